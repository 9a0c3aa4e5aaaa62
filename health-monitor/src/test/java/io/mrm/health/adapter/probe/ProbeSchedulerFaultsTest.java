package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.health.domain.ObservationSink;
import io.mrm.health.domain.ProbeResult;
import io.mrm.health.domain.ProbeTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the scheduler publishes when the monitor itself, not the target, is in trouble. */
class ProbeSchedulerFaultsTest {

    static final Duration FAST = Duration.ofMillis(20);
    static final Duration BOUND = Duration.ofSeconds(10);

    final List<HealthObservation> published = new CopyOnWriteArrayList<>();
    ProbeScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    @Test
    void anErrorFromTheProducerDoesNotEndPublishing() {
        AtomicInteger calls = new AtomicInteger();
        ObservationSink sink = observation -> {
            if (calls.incrementAndGet() == 1) {
                throw new NoClassDefFoundError("org/apache/kafka/SomethingMissing"); // an Error, not an exception
            }
            published.add(observation);
            return CompletableFuture.completedFuture(null);
        };
        start(
                sink,
                new MonitoredTarget(
                        target("app"), () -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok"))));

        await("observations published after the Error").atMost(BOUND).until(() -> published.size() >= 5);
        assertThat(scheduler.publisherAlive()).isTrue();
        assertThat(scheduler.publishFailures()).isEqualTo(1);
    }

    @Test
    void notProbedIsNeverPublishedAsDownButCounted() {
        start(
                observation -> {
                    published.add(observation);
                    return CompletableFuture.completedFuture(null);
                },
                new MonitoredTarget(
                        target("db"),
                        () -> CompletableFuture.completedFuture(
                                ProbeResult.notProbed("all 1 threads of probe-orders-eu10-db are busy"))),
                new MonitoredTarget(
                        target("app"), () -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok"))));

        await("not-probed counted").atMost(BOUND).until(() -> scheduler.notProbedCount() >= 5);
        await("the other target still observed")
                .atMost(BOUND)
                .until(() -> published.stream()
                                .filter(o -> o.component().equals("app"))
                                .count()
                        >= 5);
        assertThat(published).noneMatch(o -> o.component().equals("db"));
    }

    private void start(ObservationSink sink, MonitoredTarget... targets) {
        ObservationRule rule = new ObservationRule(
                "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString());
        scheduler = new ProbeScheduler(
                List.of(targets), rule, sink, new SplittableRandom(1), 2, 100, Duration.ofSeconds(1));
        scheduler.start();
    }

    private static ProbeTarget target(String component) {
        return new ProbeTarget("orders", "eu10", component, ProbeKind.HTTP, FAST, Duration.ofSeconds(5));
    }
}
