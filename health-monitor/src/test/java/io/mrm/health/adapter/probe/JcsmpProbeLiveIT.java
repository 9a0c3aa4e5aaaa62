package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import io.mrm.health.domain.RoundTripProbe;
import io.mrm.kafka.SecretReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JCSMP round-trip probe against a real Solace broker or SAP Advanced Event Mesh service, through the
 * real JCSMP client. Runs only when {@code MRM_IT_SOLACE_HOST} (e.g. {@code tcps://mr-abc.messaging.solace.cloud:55443}),
 * {@code MRM_IT_SOLACE_VPN}, {@code MRM_IT_SOLACE_USERNAME}, {@code MRM_IT_SOLACE_PASSWORD} and
 * {@code MRM_IT_SOLACE_QUEUE} (a durable queue subscribed to the probe topic) are set; the topic is
 * {@code MRM_IT_SOLACE_TOPIC}, default {@code mrm/probe/live-it}, and an optional
 * {@code MRM_IT_SOLACE_TRUST_STORE} replaces the JDK's trust store. Skipped otherwise.
 */
class JcsmpProbeLiveIT {

    @Test
    void aRealBrokerReturnsThePersistentMessageOnOneKeptSession() throws Exception {
        String host = System.getenv("MRM_IT_SOLACE_HOST");
        String vpn = System.getenv("MRM_IT_SOLACE_VPN");
        String username = System.getenv("MRM_IT_SOLACE_USERNAME");
        String queue = System.getenv("MRM_IT_SOLACE_QUEUE");
        String password = System.getenv("MRM_IT_SOLACE_PASSWORD");
        assumeTrue(
                host != null && vpn != null && username != null && password != null && queue != null,
                "skipped: set MRM_IT_SOLACE_HOST, MRM_IT_SOLACE_VPN, MRM_IT_SOLACE_USERNAME, MRM_IT_SOLACE_PASSWORD "
                        + "and MRM_IT_SOLACE_QUEUE (a durable queue subscribed to MRM_IT_SOLACE_TOPIC, default "
                        + "mrm/probe/live-it) to run against a real Solace broker or AEM service");
        String topic = System.getenv().getOrDefault("MRM_IT_SOLACE_TOPIC", "mrm/probe/live-it");
        String trustStore = System.getenv("MRM_IT_SOLACE_TRUST_STORE");
        JcsmpTransport.Settings settings = new JcsmpTransport.Settings(
                host,
                vpn,
                username,
                SecretReference.env("MRM_IT_SOLACE_PASSWORD"),
                topic,
                queue,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                true,
                trustStore == null ? null : Path.of(trustStore),
                null);
        try (BlockingProbePool pool = new BlockingProbePool(1, 1)) {
            JcsmpTransport transport = new JcsmpTransport(settings, pool);
            try (RoundTripProbe probe = new RoundTripProbe(
                    transport,
                    new RoundTripProbe.Settings(Duration.ofSeconds(21), Duration.ofSeconds(5)),
                    () -> UUID.randomUUID().toString(),
                    System::nanoTime)) {
                ProbeResult first = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);
                ProbeResult second = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);
                ProbeResult third = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);

                for (ProbeResult result : new ProbeResult[] {first, second, third}) {
                    assertThat(result.status()).as(result.detail()).isIn(HealthStatus.UP, HealthStatus.DEGRADED);
                    assertThat(result.detail())
                            .startsWith("persistent message round trip in ")
                            .doesNotContain(password);
                    assertThat(result.latency()).isLessThan(Duration.ofSeconds(21));
                }
                assertThat(transport.sessionsOpened())
                        .as("one session kept across rounds")
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure() throws Exception {
        String host = System.getenv("MRM_IT_SOLACE_HOST");
        String vpn = System.getenv("MRM_IT_SOLACE_VPN");
        String username = System.getenv("MRM_IT_SOLACE_USERNAME");
        String queue = System.getenv("MRM_IT_SOLACE_QUEUE");
        assumeTrue(
                host != null
                        && vpn != null
                        && username != null
                        && System.getenv("MRM_IT_SOLACE_PASSWORD") != null
                        && queue != null,
                "skipped: set the MRM_IT_SOLACE_* variables (see the other test) to run");
        String trustStore = System.getenv("MRM_IT_SOLACE_TRUST_STORE");
        JcsmpTransport.Settings settings = new JcsmpTransport.Settings(
                host,
                vpn,
                username,
                SecretReference.literal("not-the-password-" + UUID.randomUUID()),
                System.getenv().getOrDefault("MRM_IT_SOLACE_TOPIC", "mrm/probe/live-it"),
                queue,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                true,
                trustStore == null ? null : Path.of(trustStore),
                null);
        try (BlockingProbePool pool = new BlockingProbePool(1, 1);
                RoundTripProbe probe = new RoundTripProbe(
                        new JcsmpTransport(settings, pool),
                        new RoundTripProbe.Settings(Duration.ofSeconds(21), Duration.ofSeconds(5)),
                        () -> UUID.randomUUID().toString(),
                        System::nanoTime)) {
            ProbeResult result = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.detail())
                    .startsWith("authentication failed: ")
                    .contains(username)
                    .doesNotContain("not-the-password");
        }
    }
}
