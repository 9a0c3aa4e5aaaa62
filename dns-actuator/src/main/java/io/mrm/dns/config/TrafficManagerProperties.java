package io.mrm.dns.config;

import io.mrm.dns.adapter.TrafficManagerDnsRouter;
import io.mrm.dns.adapter.TrafficManagerDnsRouter.Mode;
import io.mrm.events.Require;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Azure Traffic Manager backend settings (prefix {@code mrm.dns.traffic-manager}), used when
 * {@code mrm.dns.router} is {@code TRAFFIC_MANAGER}. Credentials are not here:
 * {@code DefaultAzureCredential} finds them (environment {@code AZURE_CLIENT_ID},
 * {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_SECRET} or {@code AZURE_CLIENT_CERTIFICATE_PATH},
 * a workload-identity token file, or a managed identity).
 *
 * @param subscriptionId the Azure subscription that holds the profiles
 * @param tenantId       the Microsoft Entra tenant; empty means the credential's own
 * @param maxRetries     retries of one request on 408, 429 and 5xx (with exponential back-off)
 * @param timeout        bound on waiting for one response
 * @param resourceManagerEndpoint Azure Resource Manager's endpoint; the default is Azure's public cloud
 *                       ({@code https://management.azure.com/}), e.g. {@code https://management.chinacloudapi.cn/}
 *                       for Azure operated by 21Vianet
 * @param authorityHost  the Microsoft Entra authority the credential gets its tokens from; the default is
 *                       the public cloud's ({@code https://login.microsoftonline.com/}). A host other than
 *                       a Microsoft cloud's own (e.g. Azure Stack Hub's) is used without instance discovery
 * @param applications   application id → its profile
 */
@ConfigurationProperties("mrm.dns.traffic-manager")
public record TrafficManagerProperties(
        String subscriptionId,
        String tenantId,
        @DefaultValue("3") int maxRetries,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("https://management.azure.com/") URI resourceManagerEndpoint,
        @DefaultValue("https://login.microsoftonline.com/") URI authorityHost,
        Map<String, Profile> applications) {

    static final String PREFIX = "mrm.dns.traffic-manager";
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** ARM resource group names: letters, digits, '_', '-', '.', '(' and ')', not ending with '.'. */
    private static final Pattern RESOURCE_GROUP = Pattern.compile("[\\w().-]{0,89}[\\w()-]");
    /** Traffic Manager profile and endpoint names: letters, digits and '-', not starting or ending with '-'. */
    private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public TrafficManagerProperties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
    }

    /**
     * One application's profile.
     *
     * @param resourceGroup the profile's resource group
     * @param profileName   the Traffic Manager profile
     * @param mode          PRIORITY (target endpoint gets priority 1) or ENABLE_DISABLE (only the target enabled)
     * @param endpoints     region id → name of the region's endpoint in the profile
     * @param ttl           the profile's DNS TTL, set with each switch; empty leaves the profile's own
     */
    public record Profile(
            String resourceGroup,
            String profileName,
            @DefaultValue("PRIORITY") Mode mode,
            Map<String, String> endpoints,
            Duration ttl) {

        public Profile {
            endpoints = endpoints == null ? Map.of() : new LinkedHashMap<>(endpoints);
        }
    }

    /** Both get a bearer token or a client secret: never in clear text. */
    private static void requireHttps(List<String> problems, String key, URI uri) {
        if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            problems.add(PREFIX + "." + key + " must be an https URL, was " + uri);
        }
    }

    /** The router's settings, or every problem at once, each naming its key. */
    Map<String, TrafficManagerDnsRouter.Profile> profiles() {
        List<String> problems = new ArrayList<>();
        if (subscriptionId == null || !GUID.matcher(subscriptionId).matches()) {
            problems.add(PREFIX + ".subscription-id must be a subscription GUID, was " + subscriptionId);
        }
        if (tenantId != null && !tenantId.isBlank() && !GUID.matcher(tenantId).matches()) {
            problems.add(PREFIX + ".tenant-id must be a tenant GUID or empty, was " + tenantId);
        }
        if (maxRetries < 0 || maxRetries > 10) {
            problems.add(PREFIX + ".max-retries must be between 0 and 10, was " + maxRetries);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            problems.add(PREFIX + ".timeout must be a positive duration, was " + timeout);
        }
        requireHttps(problems, "resource-manager-endpoint", resourceManagerEndpoint);
        requireHttps(problems, "authority-host", authorityHost);
        if (applications.isEmpty()) {
            problems.add(PREFIX + ".applications must name at least one application");
        }
        Map<String, TrafficManagerDnsRouter.Profile> profiles = new LinkedHashMap<>();
        applications.forEach((id, p) -> {
            String key = PREFIX + ".applications." + id;
            int before = problems.size();
            if (!Require.NAME.matcher(id).matches()) {
                problems.add(key + ": application id must be lower-case letters, digits and '-'");
            }
            if (p == null) {
                problems.add(key + " is empty");
                return;
            }
            if (p.resourceGroup() == null
                    || !RESOURCE_GROUP.matcher(p.resourceGroup()).matches()) {
                problems.add(key + ".resource-group must be a resource group name, was " + p.resourceGroup());
            }
            if (p.profileName() == null
                    || !RESOURCE_NAME.matcher(p.profileName()).matches()) {
                problems.add(key + ".profile-name must be a Traffic Manager profile name, was " + p.profileName());
            }
            if (p.mode() == null) {
                problems.add(key + ".mode must be PRIORITY or ENABLE_DISABLE");
            }
            if (p.endpoints().size() < 2) {
                problems.add(key + ".endpoints must name at least two regions, has "
                        + p.endpoints().keySet());
            }
            Set<String> names = new HashSet<>();
            p.endpoints().forEach((region, name) -> {
                if (!Require.NAME.matcher(region).matches()) {
                    problems.add(
                            key + ".endpoints." + region + ": region id must be lower-case letters, digits and '-'");
                }
                if (name == null || !RESOURCE_NAME.matcher(name).matches()) {
                    problems.add(key + ".endpoints." + region + " must be an endpoint name, was " + name);
                } else if (!names.add(name.toLowerCase(Locale.ROOT))) {
                    problems.add(
                            key + ".endpoints." + region + ": endpoint " + name + " is named for another region too");
                }
            });
            if (p.ttl() != null && (p.ttl().toSeconds() < 0 || p.ttl().toSeconds() > 2_147_483_647L)) {
                problems.add(key + ".ttl must be between 0s and 2147483647s, was " + p.ttl());
            }
            if (problems.size() == before) {
                profiles.put(
                        id,
                        new TrafficManagerDnsRouter.Profile(
                                p.resourceGroup(), p.profileName(), p.mode(), p.endpoints(), p.ttl()));
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid dns-actuator Traffic Manager configuration:\n - " + String.join("\n - ", problems));
        }
        return profiles;
    }
}
