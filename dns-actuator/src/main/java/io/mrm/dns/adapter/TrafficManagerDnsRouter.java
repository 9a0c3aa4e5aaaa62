package io.mrm.dns.adapter;

import com.azure.resourcemanager.trafficmanager.fluent.ProfilesClient;
import com.azure.resourcemanager.trafficmanager.fluent.models.EndpointInner;
import com.azure.resourcemanager.trafficmanager.fluent.models.ProfileInner;
import com.azure.resourcemanager.trafficmanager.models.DnsConfig;
import com.azure.resourcemanager.trafficmanager.models.EndpointMonitorStatus;
import com.azure.resourcemanager.trafficmanager.models.EndpointStatus;
import com.azure.resourcemanager.trafficmanager.models.ProfileStatus;
import com.azure.resourcemanager.trafficmanager.models.TrafficRoutingMethod;
import io.mrm.dns.domain.DnsAnswer;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.DnsState;
import io.mrm.events.ack.ActuatorFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Points an application's name at one region through an Azure Traffic Manager profile, in one of
 * two ways: {@link Mode#PRIORITY} gives the target region's endpoint priority 1 and renumbers the
 * others after it; {@link Mode#ENABLE_DISABLE} enables the target's endpoint and disables the
 * others. Either way the whole profile is written in one PUT, together with the profile tag
 * {@value #EPOCH_TAG} that holds the fencing epoch, so the routing and its token never disagree.
 *
 * <p><b>What fencing this gives, and what it does not.</b> Traffic Manager profiles carry no ETag
 * and the API (2022-04-01) takes no {@code If-Match}: there is no compare-and-set on the server.
 * The router therefore reads the profile right before the PUT and refuses ({@link DnsFencedException})
 * when its region or epoch tag is no longer what the caller read, and reads it back right after and
 * refuses when another writer has overwritten it. A stale writer is stopped whenever a newer epoch
 * was written before its pre-write read; it is <em>not</em> stopped when both read before either
 * writes and its PUT lands last (a window of one read and one write, typically well under a
 * second). That overwrite is never silent: the newer writer's read-back or the plan's
 * {@code DNS_VERIFY} step sees a region or epoch other than its own.
 *
 * <p>{@link #current} also reports each configured endpoint's monitor status
 * ({@code monitorStatus.<region>}) and the profile's ({@code profileMonitorStatus}). While the endpoint of
 * the region routed to is {@code CheckingEndpoint} (enabled or added, its first health probe not back
 * yet) the switch is reported pending ({@link DnsState#pendingChange}): Traffic Manager answers with such an
 * endpoint, but the probe may find it Degraded, and then answers with another one, so a switch is not
 * settled before that first result (the command handler waits for it within the command's deadline).
 *
 * <p>{@link #answers} is what Traffic Manager answers, derived from the profile as the API reports it
 * (endpoint status, monitor status, priority) by the rules Traffic Manager documents
 * (https://learn.microsoft.com/azure/traffic-manager/traffic-manager-monitoring, "Endpoint and profile
 * status"; https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods): a disabled
 * profile answers NXDOMAIN; an endpoint is answered only while enabled and Online, CheckingEndpoint or
 * Unmonitored (not Degraded, Stopped, Disabled or Inactive); when no enabled endpoint is, all enabled
 * ones are treated as healthy; priority routing answers the lowest priority number among them, any
 * other method may answer any of them. So a target at priority 1 that is Degraded is seen for what it
 * means: clients still get the next endpoint.
 */
public final class TrafficManagerDnsRouter implements DnsRouter {

    public enum Mode {
        PRIORITY,
        ENABLE_DISABLE
    }

    /**
     * One application's Traffic Manager profile.
     *
     * @param endpoints region id → name of its endpoint in the profile
     * @param ttl       the profile's DNS TTL to set with each switch; null leaves it as it is
     */
    public record Profile(
            String resourceGroup, String profileName, Mode mode, Map<String, String> endpoints, Duration ttl) {

        public Profile {
            endpoints = Map.copyOf(endpoints);
        }
    }

    public static final String EPOCH_TAG = "mrm-epoch";
    /** The monitor statuses with which an enabled endpoint is included in DNS responses. */
    private static final Set<EndpointMonitorStatus> ANSWERED = Set.of(
            EndpointMonitorStatus.ONLINE, EndpointMonitorStatus.CHECKING_ENDPOINT, EndpointMonitorStatus.UNMONITORED);

    private static final Pattern EPOCH_VALUE = Pattern.compile("\\d{1,18}");

    private final ProfilesClient profiles;
    private final Map<String, Profile> applications;

    public TrafficManagerDnsRouter(ProfilesClient profiles, Map<String, Profile> applications) {
        this.profiles = profiles;
        this.applications = Map.copyOf(applications);
    }

    @Override
    public DnsState current(String applicationId) throws ActuatorFailure {
        Profile profile = profile(applicationId);
        return state(profile, read(profile));
    }

    @Override
    public void routeTo(String applicationId, String region, long epoch, DnsState expected) throws ActuatorFailure {
        Profile profile = profile(applicationId);
        String endpointName = profile.endpoints().get(region);
        if (endpointName == null) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_REGION",
                    "no Traffic Manager endpoint is configured for region " + region + " of application "
                            + applicationId);
        }
        ProfileInner inner = read(profile);
        DnsState now = state(profile, inner);
        if (!now.sameRouting(expected)) {
            throw new DnsFencedException(
                    "profile " + profile.profileName() + " changed since it was read: now "
                            + now.region() + " at epoch " + now.epoch() + ", expected " + expected.region()
                            + " at epoch "
                            + expected.epoch(),
                    null);
        }
        List<EndpointInner> endpoints = inner.endpoints() == null ? List.of() : inner.endpoints();
        EndpointInner target = endpoint(endpoints, endpointName)
                .orElseThrow(() -> ActuatorFailure.fatal(
                        "ENDPOINT_NOT_FOUND",
                        "profile " + profile.profileName() + " has no endpoint " + endpointName + " (region " + region
                                + ")"));
        if (profile.mode() == Mode.PRIORITY) {
            // priorities must stay unique in a profile: target first, the rest keep their order after it
            List<EndpointInner> others = new ArrayList<>(endpoints);
            others.remove(target);
            others.sort(Comparator.comparing(e -> e.priority() == null ? Long.MAX_VALUE : e.priority()));
            target.withPriority(1L).withEndpointStatus(EndpointStatus.ENABLED);
            long next = 2;
            for (EndpointInner other : others) {
                other.withPriority(next++);
            }
        } else {
            for (EndpointInner e : endpoints) {
                boolean managed = profile.endpoints().values().stream().anyMatch(n -> n.equalsIgnoreCase(e.name()));
                if (managed) {
                    e.withEndpointStatus(e == target ? EndpointStatus.ENABLED : EndpointStatus.DISABLED);
                }
            }
        }
        Map<String, String> tags = new HashMap<>(inner.tags() == null ? Map.of() : inner.tags());
        tags.put(EPOCH_TAG, Long.toString(epoch));
        inner.withTags(tags);
        if (profile.ttl() != null && inner.dnsConfig() != null) {
            inner.dnsConfig().withTtl(profile.ttl().toSeconds());
        } else if (profile.ttl() != null) {
            inner.withDnsConfig(new DnsConfig().withTtl(profile.ttl().toSeconds()));
        }
        try {
            profiles.createOrUpdate(profile.resourceGroup(), profile.profileName(), inner);
        } catch (RuntimeException e) {
            throw TrafficManagerErrors.classify(e);
        }
        DnsState after = state(profile, read(profile));
        if (after.epoch() != epoch || !region.equals(after.region())) {
            throw new DnsFencedException(
                    "profile " + profile.profileName() + " was overwritten right after this switch:" + " now "
                            + after.region() + " at epoch " + after.epoch(),
                    null);
        }
    }

    @Override
    public List<DnsAnswer> answers(String applicationId) throws ActuatorFailure {
        Profile profile = profile(applicationId);
        ProfileInner inner = read(profile);
        DnsConfig dns = inner.dnsConfig();
        String source = "trafficmanager:" + (dns != null && dns.fqdn() != null ? dns.fqdn() : profile.profileName());
        Duration ttl = dns != null && dns.ttl() != null ? Duration.ofSeconds(dns.ttl()) : null;
        if (ProfileStatus.DISABLED.equals(inner.profileStatus())) {
            return List.of(DnsAnswer.answered(source, null, "NXDOMAIN (profile disabled)", ttl));
        }
        List<EndpointInner> enabled = (inner.endpoints() == null ? List.<EndpointInner>of() : inner.endpoints())
                .stream()
                        .filter(e -> EndpointStatus.ENABLED.equals(e.endpointStatus()))
                        .toList();
        List<EndpointInner> healthy = enabled.stream()
                .filter(e -> ANSWERED.contains(e.endpointMonitorStatus()))
                .toList();
        // every enabled endpoint unhealthy: Traffic Manager treats them all as healthy
        List<EndpointInner> candidates = healthy.isEmpty() ? enabled : healthy;
        if (candidates.isEmpty()) {
            return List.of(DnsAnswer.answered(source, null, "NXDOMAIN (no endpoint enabled)", ttl));
        }
        if (TrafficRoutingMethod.PRIORITY.equals(inner.trafficRoutingMethod())) {
            candidates =
                    candidates.stream()
                            .filter(e -> e.priority() != null)
                            .min(Comparator.comparing(EndpointInner::priority))
                            .stream()
                            .toList();
        }
        List<DnsAnswer> answers = new ArrayList<>();
        for (EndpointInner e : candidates) {
            String via = candidates.size() == 1 ? source : source + "#" + e.name();
            answers.add(DnsAnswer.answered(
                    via,
                    regionNamed(profile, e.name()),
                    "endpoint " + e.name() + " (" + e.target() + ", " + e.endpointMonitorStatus() + ")",
                    ttl));
        }
        return answers;
    }

    private ProfileInner read(Profile profile) throws ActuatorFailure {
        try {
            return profiles.getByResourceGroup(profile.resourceGroup(), profile.profileName());
        } catch (RuntimeException e) {
            throw TrafficManagerErrors.classify(e);
        }
    }

    private static DnsState state(Profile profile, ProfileInner inner) throws ActuatorFailure {
        List<EndpointInner> endpoints = inner.endpoints() == null ? List.of() : inner.endpoints();
        Map<String, String> details = new TreeMap<>();
        profile.endpoints()
                .forEach((region, name) -> details.put(
                        "monitorStatus." + region,
                        endpoint(endpoints, name)
                                .map(e -> e.endpointMonitorStatus() == null
                                        ? "Unknown"
                                        : e.endpointMonitorStatus().toString())
                                .orElse("Missing")));
        if (inner.monitorConfig() != null && inner.monitorConfig().profileMonitorStatus() != null) {
            details.put(
                    "profileMonitorStatus",
                    inner.monitorConfig().profileMonitorStatus().toString());
        }
        String region = regionOf(profile, endpoints);
        DnsState state = new DnsState(region, epochOf(profile, inner), details);
        Optional<EndpointInner> routedTo = region == null
                ? Optional.empty()
                : endpoint(endpoints, profile.endpoints().get(region));
        if (routedTo.isPresent()
                && EndpointMonitorStatus.CHECKING_ENDPOINT.equals(routedTo.get().endpointMonitorStatus())) {
            return state.pending(
                    "first health probe of endpoint " + routedTo.get().name());
        }
        return state;
    }

    private static String regionOf(Profile profile, List<EndpointInner> endpoints) {
        List<EndpointInner> enabled = endpoints.stream()
                .filter(e -> EndpointStatus.ENABLED.equals(e.endpointStatus()))
                .toList();
        if (profile.mode() == Mode.PRIORITY) {
            // the enabled endpoint with the lowest priority number gets the traffic (while healthy)
            return enabled.stream()
                    .filter(e -> e.priority() != null)
                    .min(Comparator.comparing(EndpointInner::priority))
                    .map(e -> regionNamed(profile, e.name()))
                    .orElse(null);
        }
        List<String> regions = enabled.stream()
                .map(e -> regionNamed(profile, e.name()))
                .filter(r -> r != null)
                .toList();
        return regions.size() == 1 ? regions.get(0) : null;
    }

    private static long epochOf(Profile profile, ProfileInner inner) throws ActuatorFailure {
        String value = inner.tags() == null ? null : inner.tags().get(EPOCH_TAG);
        if (value == null) {
            return 0;
        }
        if (!EPOCH_VALUE.matcher(value).matches()) {
            throw ActuatorFailure.fatal(
                    "TOKEN_UNREADABLE",
                    "tag " + EPOCH_TAG + " of profile " + profile.profileName()
                            + " must be a whole number; fix or delete it by hand");
        }
        return Long.parseLong(value);
    }

    private static String regionNamed(Profile profile, String endpointName) {
        return profile.endpoints().entrySet().stream()
                .filter(e -> e.getValue().equalsIgnoreCase(endpointName))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    private static Optional<EndpointInner> endpoint(List<EndpointInner> endpoints, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return endpoints.stream()
                .filter(e ->
                        e.name() != null && e.name().toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst();
    }

    private Profile profile(String applicationId) throws ActuatorFailure {
        Profile profile = applications.get(applicationId);
        if (profile == null) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_APPLICATION",
                    "application " + applicationId
                            + " has no Traffic Manager profile configured (mrm.dns.traffic-manager.applications)");
        }
        return profile;
    }
}
