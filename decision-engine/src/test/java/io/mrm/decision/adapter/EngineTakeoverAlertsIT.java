package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.decision.Alert;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An engine instance that takes an application over after its owner was gone for longer than {@code stale-after}
 * (the owner's session timed out; a restart) first reads what the monitors wrote meanwhile. Judged by the clock
 * before that, every vantage point looks silent: it must raise no BLIND and no QUORUM_LOST for the monitors that
 * reported all along — neither on its first ticks nor while it reads the backlog.
 */
class EngineTakeoverAlertsIT {

    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "stale-after=6s",
            "plan=DNS_ROUTE,DNS_VERIFY");

    @Test
    void anEngineTakingOverAfterLongerThanStaleAfterRaisesNoFalseBlindOrQuorumAlert() throws Exception {
        try (EngineHarness harness = new EngineHarness("takeover.", POLICY)) {
            // the engine makes the topics (profile local)
            ConfigurableApplicationContext first = harness.startEngine("engine-0");
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            AtomicBoolean monitoring = new AtomicBoolean(true);
            AtomicInteger rounds = new AtomicInteger();
            AtomicReference<String> latest = new AtomicReference<>();
            // two vantage points report both regions UP twice a second, all through the test
            Thread monitors = new Thread(() -> {
                while (monitoring.get()) {
                    for (String region : List.of("eu10", "us10")) {
                        for (String vantage : List.of("vantage-1", "vantage-2")) {
                            String id = UUID.randomUUID().toString();
                            harness.publish(new HealthObservation(
                                    id,
                                    "orders",
                                    Instant.now(),
                                    1,
                                    region,
                                    "app",
                                    ProbeKind.HTTP,
                                    vantage,
                                    HealthStatus.UP,
                                    2L,
                                    null));
                            latest.set(id);
                        }
                    }
                    rounds.incrementAndGet();
                    java.util.concurrent.locks.LockSupport.parkNanos(
                            Duration.ofMillis(500).toNanos());
                }
            });
            monitors.setDaemon(true);
            monitors.start();
            try {
                recorder.await(
                        TopologyState.class,
                        t -> t.applicationId().equals("orders") && !t.health().isEmpty(),
                        Duration.ofSeconds(120));
                first.close();
                Instant gone = Instant.now();
                // away for longer than stale-after (6 s) while the monitors go on reporting
                int before = rounds.get();
                Awaitility.await("the monitors reporting for 10 s without an engine")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> rounds.get() >= before + 20
                                && Duration.between(gone, Instant.now()).toSeconds() >= 10);

                ConfigurableApplicationContext second = harness.closeLater(harness.startEngine("engine-1"));
                String reportedAfterStart = latest.get();
                recorder.await(
                        EngineStep.class,
                        s -> !s.tick() && s.input().id().equals(reportedAfterStart),
                        Duration.ofSeconds(180));
                // a few seconds of ordinary ticks once it has caught up
                int caughtUpAt = rounds.get();
                Awaitility.await("more rounds")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> rounds.get() >= caughtUpAt + 8);
                assertThat(second.isActive()).isTrue();

                assertThat(recorder.events(Alert.class))
                        .filteredOn(a ->
                                a.applicationId().equals("orders") && !a.time().isBefore(gone))
                        .extracting(Alert::code)
                        .as("the monitors reported all along")
                        .doesNotContain("BLIND", "QUORUM_LOST");
            } finally {
                monitoring.set(false);
                monitors.join(10_000);
            }
        }
    }
}
