package io.mrm.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredential;
import io.mrm.dns.adapter.Route53DnsRouter;
import io.mrm.dns.adapter.TrafficManagerDnsRouter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ServiceClientConfiguration;
import software.amazon.awssdk.services.route53.model.RRType;

/** The cloud backends' settings: bound as Spring binds them, and every problem named by its key. */
class CloudDnsPropertiesTest {

    static Route53Properties route53(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("mrm.dns.route53", Route53Properties.class);
    }

    static TrafficManagerProperties trafficManager(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("mrm.dns.traffic-manager", TrafficManagerProperties.class);
    }

    static Map<String, String> validRoute53() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mrm.dns.route53.applications.orders.hosted-zone-id", "/hostedzone/Z0123456789ABC");
        m.put("mrm.dns.route53.applications.orders.record-name", "orders.example.com");
        m.put("mrm.dns.route53.applications.orders.targets.eu10.value", "orders-eu10.example.net");
        m.put("mrm.dns.route53.applications.orders.targets.us10.value", "orders-us10.example.net");
        m.put("mrm.dns.route53.applications.shop.hosted-zone-id", "Z0123456789ABC");
        m.put("mrm.dns.route53.applications.shop.record-name", "shop.example.com");
        m.put("mrm.dns.route53.applications.shop.record-type", "A");
        m.put("mrm.dns.route53.applications.shop.mode", "WEIGHTED");
        m.put("mrm.dns.route53.applications.shop.targets.eu10.value", "eu-lb-1.elb.example.com");
        m.put("mrm.dns.route53.applications.shop.targets.eu10.alias-hosted-zone-id", "Z32O12XQLNTSW2");
        m.put("mrm.dns.route53.applications.shop.targets.eu10.evaluate-target-health", "true");
        m.put("mrm.dns.route53.applications.shop.targets.us10.value", "us-lb-1.elb.example.com");
        m.put("mrm.dns.route53.applications.shop.targets.us10.alias-hosted-zone-id", "Z35SXDOTRQ7X7K");
        m.put("mrm.dns.route53.applications.shop.targets.us10.set-identifier", "shop-us");
        return m;
    }

    @Test
    void route53DefaultsAndAValidConfiguration() {
        Route53Properties props = route53(validRoute53());
        assertThat(props.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(props.region()).isEqualTo("aws-global");
        assertThat(props.maxAttempts()).isEqualTo(3);

        Map<String, Route53DnsRouter.Zone> zones = props.zones();

        Route53DnsRouter.Zone orders = zones.get("orders");
        assertThat(orders.hostedZoneId()).isEqualTo("Z0123456789ABC");
        assertThat(orders.recordName()).isEqualTo("orders.example.com.");
        assertThat(orders.tokenName()).isEqualTo("_mrm-epoch.orders.example.com.");
        assertThat(orders.recordType()).isEqualTo(RRType.CNAME);
        assertThat(orders.mode()).isEqualTo(Route53DnsRouter.Mode.SIMPLE);
        Route53DnsRouter.Zone shop = zones.get("shop");
        assertThat(shop.mode()).isEqualTo(Route53DnsRouter.Mode.WEIGHTED);
        assertThat(shop.targets().get("eu10").setIdentifier()).isEqualTo("eu10");
        assertThat(shop.targets().get("us10").setIdentifier()).isEqualTo("shop-us");
        assertThat(shop.targets().get("eu10").aliasHostedZoneId()).isEqualTo("Z32O12XQLNTSW2");
    }

    @Test
    void route53ProblemsAreAllReportedWithTheirKeys() {
        Map<String, String> m = validRoute53();
        m.put("mrm.dns.route53.ttl", "0s");
        m.put("mrm.dns.route53.max-attempts", "0");
        m.put("mrm.dns.route53.endpoint", "ftp://example.com");
        m.put("mrm.dns.route53.applications.orders.hosted-zone-id", "not a zone");
        m.put("mrm.dns.route53.applications.orders.record-type", "MX");
        m.put("mrm.dns.route53.applications.orders.targets.us10.value", "bad name!");
        m.put("mrm.dns.route53.applications.shop.targets.us10.set-identifier", "eu10");
        m.put("mrm.dns.route53.applications.Bad_App.record-name", "x.example.com");

        assertThatThrownBy(() -> route53(m).zones())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mrm.dns.route53.ttl must be positive")
                .hasMessageContaining("mrm.dns.route53.max-attempts must be between 1 and 10")
                .hasMessageContaining("mrm.dns.route53.endpoint must be an http(s) URL")
                .hasMessageContaining("mrm.dns.route53.applications.orders.hosted-zone-id must be a Route 53 zone id")
                .hasMessageContaining("mrm.dns.route53.applications.orders.record-type must be one of CNAME, A, AAAA")
                .hasMessageContaining(
                        "mrm.dns.route53.applications.shop.targets.us10.set-identifier eu10 is used by another region")
                .hasMessageContaining("mrm.dns.route53.applications.Bad_App: application id must be lower-case")
                .hasMessageContaining("mrm.dns.route53.applications.Bad_App.hosted-zone-id");
    }

    @Test
    void route53NeedsTwoTargetsAndAtLeastOneApplication() {
        assertThatThrownBy(() -> route53(Map.of()).zones())
                .hasMessageContaining("mrm.dns.route53.applications must name at least one application");
        Map<String, String> m = validRoute53();
        m.put("mrm.dns.route53.applications.orders.targets.us10.value", " ");
        assertThatThrownBy(() -> route53(m).zones())
                .hasMessageContaining("mrm.dns.route53.applications.orders.targets.us10.value is required");
    }

    @Test
    void route53AliasRecordsMustNotBeCnames() {
        Map<String, String> m = validRoute53();
        m.put("mrm.dns.route53.applications.shop.record-type", "CNAME");
        assertThatThrownBy(() -> route53(m).zones())
                .hasMessageContaining(
                        "mrm.dns.route53.applications.shop.targets.eu10.alias-hosted-zone-id: alias records"
                                + " here must be of record-type A or AAAA");
    }

    @Test
    void theRoute53ClientIsTheServicesWiringOfTheSettings() {
        Map<String, String> m = validRoute53();
        m.put("mrm.dns.route53.endpoint", "http://127.0.0.1:9");
        m.put("mrm.dns.route53.api-call-timeout", "12s");
        m.put("mrm.dns.route53.max-attempts", "5");

        try (Route53Client client = CloudDnsRouters.route53Client(route53(m))) {
            Route53ServiceClientConfiguration config = client.serviceClientConfiguration();
            assertThat(config.credentialsProvider())
                    .as("the default chain: environment, web identity, container," + " instance role, profile")
                    .isInstanceOf(DefaultCredentialsProvider.class);
            assertThat(config.region()).isEqualTo(Region.AWS_GLOBAL);
            assertThat(config.endpointOverride()).contains(URI.create("http://127.0.0.1:9"));
            assertThat(config.overrideConfiguration().apiCallTimeout()).contains(Duration.ofSeconds(12));
            assertThat(config.overrideConfiguration().retryStrategy())
                    .hasValueSatisfying(retry -> assertThat(retry.maxAttempts()).isEqualTo(5));
        }
        // and the defaults: the SDK's own endpoint, 30 s per call, 3 attempts
        try (Route53Client client = CloudDnsRouters.route53Client(route53(validRoute53()))) {
            Route53ServiceClientConfiguration config = client.serviceClientConfiguration();
            assertThat(config.endpointOverride()).isEmpty();
            assertThat(config.overrideConfiguration().apiCallTimeout()).contains(Duration.ofSeconds(30));
            assertThat(config.overrideConfiguration().retryStrategy())
                    .hasValueSatisfying(retry -> assertThat(retry.maxAttempts()).isEqualTo(3));
        }
        try (Route53DnsRouter router = CloudDnsRouters.route53(route53(m), java.time.Clock.systemUTC())) {
            assertThat(router)
                    .as("and the router is built on it without calling out")
                    .isNotNull();
        }
    }

    static Map<String, String> validTrafficManager() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mrm.dns.traffic-manager.subscription-id", "00000000-0000-0000-0000-0000000000a1");
        m.put("mrm.dns.traffic-manager.applications.orders.resource-group", "rg-dns");
        m.put("mrm.dns.traffic-manager.applications.orders.profile-name", "orders-tm");
        m.put("mrm.dns.traffic-manager.applications.orders.endpoints.eu10", "orders-eu10");
        m.put("mrm.dns.traffic-manager.applications.orders.endpoints.us10", "orders-us10");
        m.put("mrm.dns.traffic-manager.applications.orders.ttl", "30s");
        return m;
    }

    @Test
    void trafficManagerDefaultsAndAValidConfiguration() {
        TrafficManagerProperties props = trafficManager(validTrafficManager());
        assertThat(props.maxRetries()).isEqualTo(3);
        TrafficManagerDnsRouter.Profile orders = props.profiles().get("orders");
        assertThat(orders.mode()).isEqualTo(TrafficManagerDnsRouter.Mode.PRIORITY);
        assertThat(orders.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(orders.endpoints()).containsEntry("us10", "orders-us10");
        assertThat(props.resourceManagerEndpoint()).isEqualTo(URI.create("https://management.azure.com/"));
        assertThat(props.authorityHost()).isEqualTo(URI.create("https://login.microsoftonline.com/"));
        // builds the SDK client and credential (no token is fetched until a call)
        assertThat(CloudDnsRouters.trafficManager(props)).isNotNull();
    }

    @Test
    void theTrafficManagerClientIsTheServicesWiringOfTheSettings() {
        Map<String, String> m = validTrafficManager();
        m.put("mrm.dns.traffic-manager.tenant-id", "00000000-0000-0000-0000-0000000000b2");
        m.put("mrm.dns.traffic-manager.max-retries", "5");
        m.put("mrm.dns.traffic-manager.timeout", "12s");

        CloudDnsRouters.AzureWiring wiring = CloudDnsRouters.azureWiring(trafficManager(m));

        assertThat(wiring.credential())
                .as("the default chain: environment, workload identity, managed identity," + " developer tools")
                .isInstanceOf(DefaultAzureCredential.class);
        assertThat(wiring.http().getConnectTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(wiring.http().getResponseTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(wiring.http().getReadTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(wiring.backoff().getMaxRetries()).isEqualTo(5);
        // exponential from 0.5 s (give or take the SDK's jitter of 5 %), never more than 8 s
        assertThat(wiring.backoff().calculateRetryDelay(0)).isBetween(Duration.ofMillis(450), Duration.ofMillis(550));
        assertThat(wiring.backoff().calculateRetryDelay(1)).isBetween(Duration.ofMillis(900), Duration.ofMillis(1100));
        assertThat(wiring.backoff().calculateRetryDelay(9)).isEqualTo(Duration.ofSeconds(8));
        assertThat(wiring.profile().getSubscriptionId()).isEqualTo("00000000-0000-0000-0000-0000000000a1");
        assertThat(wiring.profile().getTenantId()).isEqualTo("00000000-0000-0000-0000-0000000000b2");
        assertThat(wiring.profile().getEnvironment().getResourceManagerEndpoint())
                .isEqualTo("https://management.azure.com/");
        assertThat(wiring.profile().getEnvironment().getActiveDirectoryEndpoint())
                .isEqualTo("https://login.microsoftonline.com/");
        assertThat(wiring.profile().getEnvironment().getManagementEndpoint())
                .as("the token's audience")
                .isEqualTo(AzureEnvironment.AZURE.getManagementEndpoint());
    }

    @Test
    void aSovereignCloudsEndpointsAreUsedAndMustBeHttps() {
        Map<String, String> m = validTrafficManager();
        m.put("mrm.dns.traffic-manager.resource-manager-endpoint", "https://management.chinacloudapi.cn/");
        m.put("mrm.dns.traffic-manager.authority-host", "https://login.chinacloudapi.cn/");
        AzureProfile profile = CloudDnsRouters.azureWiring(trafficManager(m)).profile();
        assertThat(profile.getEnvironment().getResourceManagerEndpoint())
                .isEqualTo("https://management.chinacloudapi.cn/");
        assertThat(profile.getEnvironment().getActiveDirectoryEndpoint()).isEqualTo("https://login.chinacloudapi.cn/");

        m.put("mrm.dns.traffic-manager.resource-manager-endpoint", "http://management.example.com/");
        m.put("mrm.dns.traffic-manager.authority-host", "login.example.com");
        assertThatThrownBy(() -> trafficManager(m).profiles())
                .hasMessageContaining("mrm.dns.traffic-manager.resource-manager-endpoint must be an https URL")
                .hasMessageContaining("mrm.dns.traffic-manager.authority-host must be an https URL");
    }

    @Test
    void trafficManagerProblemsAreAllReportedWithTheirKeys() {
        Map<String, String> m = validTrafficManager();
        m.put("mrm.dns.traffic-manager.subscription-id", "my-subscription");
        m.put("mrm.dns.traffic-manager.tenant-id", "contoso");
        m.put("mrm.dns.traffic-manager.applications.orders.profile-name", "-bad-");
        m.put("mrm.dns.traffic-manager.applications.orders.endpoints.us10", "orders-EU10");
        m.put("mrm.dns.traffic-manager.applications.billing.resource-group", "rg.");

        assertThatThrownBy(() -> trafficManager(m).profiles())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mrm.dns.traffic-manager.subscription-id must be a subscription GUID")
                .hasMessageContaining("mrm.dns.traffic-manager.tenant-id must be a tenant GUID or empty")
                .hasMessageContaining(
                        "mrm.dns.traffic-manager.applications.orders.profile-name must be a Traffic Manager profile name")
                .hasMessageContaining(
                        "mrm.dns.traffic-manager.applications.orders.endpoints.us10: endpoint orders-EU10 is named for another region too")
                .hasMessageContaining(
                        "mrm.dns.traffic-manager.applications.billing.resource-group must be a resource group name")
                .hasMessageContaining(
                        "mrm.dns.traffic-manager.applications.billing.endpoints must name at least two regions");
    }
}
