package io.mrm.dns.config;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.HttpClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.trafficmanager.TrafficManager;
import com.azure.resourcemanager.trafficmanager.fluent.ProfilesClient;
import io.mrm.dns.adapter.Route53DnsRouter;
import io.mrm.dns.adapter.Route53ReadinessProbe;
import io.mrm.dns.adapter.TrafficManagerDnsRouter;
import io.mrm.dns.adapter.TrafficManagerReadinessProbe;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;

/** Builds the cloud DNS routers from their validated settings, with credentials from the default chains. */
final class CloudDnsRouters {

    /** First wait of the Traffic Manager client's exponential back-off, and its longest. */
    static final Duration AZURE_BASE_DELAY = Duration.ofMillis(500);

    static final Duration AZURE_MAX_DELAY = Duration.ofSeconds(8);
    /** Entra hosts of Microsoft's clouds, which MSAL's instance discovery knows. */
    private static final Set<String> MICROSOFT_AUTHORITIES = Set.of(
            "login.microsoftonline.com",
            "login.chinacloudapi.cn",
            "login.microsoftonline.us",
            "login.microsoftonline.de");

    private CloudDnsRouters() {}

    static Route53DnsRouter route53(Route53Properties props, Clock clock) {
        return route53Backend(props, clock).router();
    }

    /** The Route 53 router and its readiness probe, sharing one client. */
    static DnsBackend<Route53DnsRouter> route53Backend(Route53Properties props, Clock clock) {
        var zones = props.zones();
        Route53Client client = route53Client(props);
        Route53DnsRouter router = new Route53DnsRouter(client, zones, props.settings(), clock);
        return new DnsBackend<>(router, new Route53ReadinessProbe(client, zones, router));
    }

    /** The Route 53 client as the service builds it: default credential chain, bounded calls and retries. */
    static Route53Client route53Client(Route53Properties props) {
        Route53ClientBuilder builder = Route53Client.builder()
                .region(Region.of(props.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o.apiCallTimeout(props.apiCallTimeout())
                        .retryStrategy(r -> r.maxAttempts(props.maxAttempts())));
        if (props.endpoint() != null) {
            builder.endpointOverride(props.endpoint());
        }
        return builder.build();
    }

    /**
     * What the Traffic Manager client is built from, in one place so that a test can check the service's
     * own wiring.
     *
     * @param backoff the retry policy's strategy; the policy ({@link #retryPolicy}) waits what a 429's or
     *                503's {@code Retry-After} says instead, when the response has one
     */
    record AzureWiring(
            TokenCredential credential, HttpClientOptions http, ExponentialBackoff backoff, AzureProfile profile) {

        RetryPolicy retryPolicy() {
            // no header named: azure-core reads retry-after-ms, x-ms-retry-after-ms and Retry-After
            return new RetryPolicy(backoff);
        }
    }

    static AzureWiring azureWiring(TrafficManagerProperties props) {
        boolean tenantGiven = props.tenantId() != null && !props.tenantId().isBlank();
        DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder()
                .authorityHost(props.authorityHost().toString());
        if (!MICROSOFT_AUTHORITIES.contains(props.authorityHost().getHost().toLowerCase(Locale.ROOT))) {
            // instance discovery asks Microsoft's public cloud about the authority: not for one of its own
            credential.disableInstanceDiscovery();
        }
        if (tenantGiven) {
            credential.tenantId(props.tenantId());
        }
        HttpClientOptions http = new HttpClientOptions()
                .setConnectTimeout(props.timeout())
                .setResponseTimeout(props.timeout())
                .setReadTimeout(props.timeout());
        ExponentialBackoff backoff = new ExponentialBackoff(props.maxRetries(), AZURE_BASE_DELAY, AZURE_MAX_DELAY);
        AzureProfile profile = new AzureProfile(
                tenantGiven ? props.tenantId() : null,
                props.subscriptionId(),
                environment(props.resourceManagerEndpoint(), props.authorityHost()));
        return new AzureWiring(credential.build(), http, backoff, profile);
    }

    /** Azure's public cloud, with Resource Manager and the authority where the settings say. */
    private static AzureEnvironment environment(URI resourceManager, URI authority) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", resourceManager.toString());
        endpoints.put("activeDirectoryEndpointUrl", authority.toString());
        return new AzureEnvironment(endpoints);
    }

    static TrafficManagerDnsRouter trafficManager(TrafficManagerProperties props) {
        return trafficManagerBackend(props).router();
    }

    /** The Traffic Manager router and its readiness probe, sharing one client. */
    static DnsBackend<TrafficManagerDnsRouter> trafficManagerBackend(TrafficManagerProperties props) {
        var profiles = props.profiles();
        AzureWiring wiring = azureWiring(props);
        TrafficManager manager = TrafficManager.configure()
                .withHttpClient(HttpClient.createDefault(wiring.http()))
                .withRetryPolicy(wiring.retryPolicy())
                .authenticate(wiring.credential(), wiring.profile());
        ProfilesClient client = manager.serviceClient().getProfiles();
        return new DnsBackend<>(
                new TrafficManagerDnsRouter(client, profiles), new TrafficManagerReadinessProbe(client, profiles));
    }
}
