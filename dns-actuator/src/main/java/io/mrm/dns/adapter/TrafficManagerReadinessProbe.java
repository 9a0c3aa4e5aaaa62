package io.mrm.dns.adapter;

import com.azure.core.exception.HttpResponseException;
import com.azure.resourcemanager.trafficmanager.fluent.ProfilesClient;
import com.azure.resourcemanager.trafficmanager.fluent.models.EndpointInner;
import com.azure.resourcemanager.trafficmanager.fluent.models.ProfileInner;
import com.azure.resourcemanager.trafficmanager.models.EndpointMonitorStatus;
import com.azure.resourcemanager.trafficmanager.models.EndpointStatus;
import com.azure.resourcemanager.trafficmanager.models.ProfileStatus;
import io.mrm.dns.adapter.TrafficManagerDnsRouter.Profile;
import io.mrm.dns.domain.DnsReadinessProbe;
import io.mrm.dns.domain.Probe;
import io.mrm.events.ack.ActuatorFailure;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Azure Traffic Manager readiness, read-only: the profile can be read ("Profiles - Get", ARM
 * {@code Microsoft.Network/trafficmanagerprofiles}) and is enabled, the target region's endpoint exists,
 * and its monitor status is one Traffic Manager answers with. 401, 403 and 404 are NOT_READY with what to
 * fix; 429, 5xx, time-outs and I/O errors are UNKNOWN.
 *
 * <p>Endpoint monitor statuses as documented in "Traffic Manager endpoint monitoring"
 * (https://learn.microsoft.com/azure/traffic-manager/traffic-manager-monitoring): Online, CheckingEndpoint
 * and Unmonitored are answered; Degraded is not (clients would get another endpoint); Disabled is not
 * probed, so its health is known only once a switch enables it; Stopped and Inactive mean the profile
 * does not serve it.
 */
public final class TrafficManagerReadinessProbe implements DnsReadinessProbe {

    static final String PROFILE = "profile";
    static final String ENDPOINT = "endpoint";
    static final String ENDPOINT_HEALTH = "endpoint-health";

    private final ProfilesClient profiles;
    private final Map<String, Profile> applications;

    public TrafficManagerReadinessProbe(ProfilesClient profiles, Map<String, Profile> applications) {
        this.profiles = profiles;
        this.applications = new TreeMap<>(applications);
    }

    @Override
    public List<String> applications() {
        return List.copyOf(applications.keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        Profile profile = applications.get(applicationId);
        return profile == null ? List.of() : List.copyOf(new TreeMap<>(profile.endpoints()).keySet());
    }

    @Override
    public List<Probe> route(String applicationId, String region) {
        Profile profile = applications.get(applicationId);
        if (profile == null) {
            return List.of(Probe.notReady(
                    PROFILE,
                    "application " + applicationId + " has no Traffic Manager profile configured: add it under"
                            + " mrm.dns.traffic-manager.applications"));
        }
        String endpointName = profile.endpoints().get(region);
        if (endpointName == null) {
            return List.of(Probe.notReady(
                    ENDPOINT,
                    "no endpoint configured for region " + region + ": set mrm.dns.traffic-manager.applications."
                            + applicationId + ".endpoints." + region));
        }
        ProfileInner inner;
        try {
            inner = profiles.getByResourceGroup(profile.resourceGroup(), profile.profileName());
        } catch (RuntimeException e) {
            return List.of(failed(profile, e));
        }
        Probe profileProbe = ProfileStatus.DISABLED.equals(inner.profileStatus())
                ? Probe.notReady(
                        PROFILE,
                        "profile " + profile.profileName() + " is disabled, so Traffic Manager answers NXDOMAIN"
                                + " whatever the endpoints: enable it")
                : Probe.ready(
                        PROFILE,
                        "profile " + profile.profileName() + " is readable (" + inner.trafficRoutingMethod()
                                + " routing, "
                                + (inner.monitorConfig() == null
                                        ? "no monitor status"
                                        : "monitor " + inner.monitorConfig().profileMonitorStatus())
                                + ")");
        Optional<EndpointInner> endpoint = (inner.endpoints() == null ? List.<EndpointInner>of() : inner.endpoints())
                .stream()
                        .filter(e -> e.name() != null
                                && e.name().toLowerCase(Locale.ROOT).equals(endpointName.toLowerCase(Locale.ROOT)))
                        .findFirst();
        if (endpoint.isEmpty()) {
            return List.of(
                    profileProbe,
                    Probe.notReady(
                            ENDPOINT,
                            "profile " + profile.profileName() + " has no endpoint " + endpointName + " for region "
                                    + region + ": add it to the profile or fix the endpoints setting"));
        }
        EndpointInner e = endpoint.get();
        return List.of(
                profileProbe,
                Probe.ready(
                        ENDPOINT,
                        "endpoint " + e.name() + " (" + e.target() + ") exists, " + e.endpointStatus()
                                + (e.priority() == null ? "" : ", priority " + e.priority())),
                health(e));
    }

    private static Probe health(EndpointInner e) {
        EndpointMonitorStatus status = e.endpointMonitorStatus();
        String name = "endpoint " + e.name();
        if (status == null) {
            return Probe.unknown(ENDPOINT_HEALTH, name + " reports no monitor status");
        }
        if (EndpointMonitorStatus.ONLINE.equals(status)
                || EndpointMonitorStatus.CHECKING_ENDPOINT.equals(status)
                || EndpointMonitorStatus.UNMONITORED.equals(status)) {
            return Probe.ready(ENDPOINT_HEALTH, name + " is " + status);
        }
        if (EndpointMonitorStatus.DISABLED.equals(status) || EndpointStatus.DISABLED.equals(e.endpointStatus())) {
            return Probe.ready(
                    ENDPOINT_HEALTH,
                    name + " is disabled and so not probed: its health is known only once a switch enables it");
        }
        if (EndpointMonitorStatus.DEGRADED.equals(status)) {
            return Probe.notReady(
                    ENDPOINT_HEALTH,
                    name + " is Degraded: its health probe fails, so Traffic Manager would keep answering with"
                            + " another endpoint; fix the region's service or the profile's monitor settings");
        }
        return Probe.notReady(ENDPOINT_HEALTH, name + " is " + status + ": Traffic Manager does not answer with it");
    }

    private static Probe failed(Profile profile, RuntimeException e) {
        ActuatorFailure failure = TrafficManagerErrors.classify(e);
        int status = e instanceof HttpResponseException http && http.getResponse() != null
                ? http.getResponse().getStatusCode()
                : -1;
        String where = "profile " + profile.profileName() + " in resource group " + profile.resourceGroup();
        if (failure.retriable()) {
            return Probe.unknown(
                    PROFILE, failure.code() + " (could not tell, will check again): " + failure.getMessage());
        }
        String fix = switch (status) {
            case 401 ->
                "Azure Resource Manager refused the credential's token: check the client id, secret or"
                        + " certificate and the tenant";
            case 403 -> "the identity may not read " + where + ": give it Traffic Manager Contributor on the profile";
            case 404 -> where + " was not found: fix subscription-id, resource-group or profile-name";
            default ->
                "AUTHENTICATION".equals(failure.code())
                        ? "the Azure credential could not get a token: configure DefaultAzureCredential (client id"
                                + " and secret or certificate, workload identity, or managed identity)"
                        : "fix the credential or the configuration";
        };
        return Probe.notReady(PROFILE, failure.code() + ": " + fix + " (" + failure.getMessage() + ")");
    }
}
