package io.mrm.dns.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddHeadersPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.trafficmanager.TrafficManager;
import io.mrm.dns.adapter.TrafficManagerDnsRouter;
import io.mrm.dns.adapter.TrafficManagerFakeAccess;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service's own retry policy for Traffic Manager ({@link CloudDnsRouters#azureWiring}) against the ARM
 * fake throttling with 429 and {@code Retry-After}: the SDK waits what ARM asked for, not its own shorter
 * back-off, and a command still succeeds when the throttling ends within its retries. (Plain http needs a
 * hand-built pipeline around that policy: the token policy insists on https; the whole production
 * pipeline, token included, is DnsActuatorTrafficManagerFakeIT's.)
 */
class TrafficManagerThrottlingFakeTest {

    static final String SUB = "00000000-0000-0000-0000-0000000000a1";

    final TrafficManagerFakeAccess fake =
            TrafficManagerFakeAccess.http(SUB, "rg-dns", "orders-tm", "orders-eu10", "orders-us10");

    @AfterEach
    void close() {
        fake.close();
    }

    DnsCommandHandler handler(int maxRetries) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mrm.dns.traffic-manager.subscription-id", SUB);
        m.put("mrm.dns.traffic-manager.max-retries", Integer.toString(maxRetries));
        m.put("mrm.dns.traffic-manager.applications.orders.resource-group", "rg-dns");
        m.put("mrm.dns.traffic-manager.applications.orders.profile-name", "orders-tm");
        m.put("mrm.dns.traffic-manager.applications.orders.endpoints.eu10", "orders-eu10");
        m.put("mrm.dns.traffic-manager.applications.orders.endpoints.us10", "orders-us10");
        TrafficManagerProperties props = CloudDnsPropertiesTest.trafficManager(m);
        CloudDnsRouters.AzureWiring wiring = CloudDnsRouters.azureWiring(props);
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(HttpClient.createDefault(wiring.http()))
                .policies(
                        new AddHeadersPolicy(new HttpHeaders().set("Authorization", "Bearer fake-token")),
                        wiring.retryPolicy())
                .build();
        AzureEnvironment local =
                new AzureEnvironment(Map.of("resourceManagerEndpointUrl", fake.resourceManagerEndpoint()));
        TrafficManager manager = TrafficManager.authenticate(pipeline, new AzureProfile(null, SUB, local));
        return new DnsCommandHandler(
                new TrafficManagerDnsRouter(manager.serviceClient().getProfiles(), props.profiles()),
                Clock.systemUTC());
    }

    static DnsRouteCommand route(long epoch, String region) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                "c-orders-" + epoch,
                "orders",
                now,
                1,
                new StepRef("d-" + epoch, epoch, 0, 1, now.plusSeconds(120)),
                region);
    }

    @Test
    void aThrottledWriteIsRetriedAfterTheRetryAfterArmSentNotTheShorterBackOff() {
        // the policy's own first wait is about 0.5 s: 3 s can only come from the header
        fake.throttle("PUT", 1, Duration.ofSeconds(3));

        CommandAck ack = handler(3).handle(route(1, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.priority("orders-us10")).isEqualTo(1);
        assertThat(fake.served("PUT", 429)).isEqualTo(1);
        assertThat(fake.waitAfterThrottle("PUT"))
                .as("wait between the 429 and the retried PUT")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void throttlingLongerThanTheRetriesIsARetriableFailureThatChangedNothing() {
        fake.throttle("PUT", 2, Duration.ofSeconds(1));

        CommandAck ack = handler(1).handle(route(1, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("TooManyRequests");
        assertThat(fake.served("PUT", 429)).isEqualTo(2);
        assertThat(fake.priority("orders-eu10")).isEqualTo(1);
        assertThat(fake.epochTag()).isNull();
    }
}
