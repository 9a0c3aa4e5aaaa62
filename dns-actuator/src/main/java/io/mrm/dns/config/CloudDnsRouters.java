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
import io.mrm.dns.adapter.Route53DnsRouter;
import io.mrm.dns.adapter.TrafficManagerDnsRouter;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;

/** Builds the cloud DNS routers from their validated settings, with credentials from the default chains. */
final class CloudDnsRouters {

    private CloudDnsRouters() {
    }

    static Route53DnsRouter route53(Route53Properties props, Clock clock) {
        var zones = props.zones();
        Route53ClientBuilder builder = Route53Client.builder()
                .region(Region.of(props.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o.apiCallTimeout(props.apiCallTimeout())
                        .retryStrategy(r -> r.maxAttempts(props.maxAttempts())));
        if (props.endpoint() != null) {
            builder.endpointOverride(props.endpoint());
        }
        return new Route53DnsRouter(builder.build(), zones, props.settings(), clock);
    }

    static TrafficManagerDnsRouter trafficManager(TrafficManagerProperties props) {
        var profiles = props.profiles();
        boolean tenantGiven = props.tenantId() != null && !props.tenantId().isBlank();
        DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder();
        if (tenantGiven) {
            credential.tenantId(props.tenantId());
        }
        TokenCredential token = credential.build();
        HttpClient http = HttpClient.createDefault(new HttpClientOptions()
                .setConnectTimeout(props.timeout()).setResponseTimeout(props.timeout()).setReadTimeout(props.timeout()));
        TrafficManager manager = TrafficManager.configure()
                .withHttpClient(http)
                .withRetryPolicy(new RetryPolicy(new ExponentialBackoff(props.maxRetries(), Duration.ofMillis(500),
                        Duration.ofSeconds(8))))
                .authenticate(token, new AzureProfile(tenantGiven ? props.tenantId() : null, props.subscriptionId(),
                        AzureEnvironment.AZURE));
        return new TrafficManagerDnsRouter(manager.serviceClient().getProfiles(), profiles);
    }
}
