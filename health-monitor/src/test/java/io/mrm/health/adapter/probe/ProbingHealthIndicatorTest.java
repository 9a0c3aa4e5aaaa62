package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** A monitor that stopped publishing must not stay Ready. */
class ProbingHealthIndicatorTest {

    ProbeScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    @Test
    void aMonitorWhoseObservationsNoLongerReachTheBrokerIsNotReady() {
        AtomicBoolean brokerUp = new AtomicBoolean(true);
        ObservationSink sink = observation -> brokerUp.get()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("broker unreachable"));
        ObservationRule rule = new ObservationRule(
                "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString());
        scheduler = new ProbeScheduler(
                List.of(new MonitoredTarget(
                        new ProbeTarget(
                                "orders", "eu10", "app", ProbeKind.HTTP, Duration.ofMillis(20), Duration.ofSeconds(5)),
                        () -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")))),
                rule,
                sink,
                new SplittableRandom(1),
                2,
                100,
                Duration.ofSeconds(1));
        ProbingHealthIndicator readiness = new ProbingHealthIndicator(scheduler, Duration.ofMillis(500), true);
        assertThat(readiness.health(true).getStatus()).as("not started").isEqualTo(Status.DOWN);

        scheduler.start();
        await("ready while publishing")
                .atMost(Duration.ofSeconds(10))
                .until(() -> readiness.health(true).getStatus().equals(Status.UP));

        brokerUp.set(false);
        await("not ready once nothing is confirmed")
                .atMost(Duration.ofSeconds(10))
                .until(() -> readiness.health(true).getStatus().equals(Status.DOWN));
        assertThat(readiness.health(true).getDetails())
                .containsKey("publishFailures")
                .hasEntrySatisfying("reason", r -> assertThat((String) r).contains("no observation confirmed"));

        brokerUp.set(true);
        await("ready again")
                .atMost(Duration.ofSeconds(10))
                .until(() -> readiness.health(true).getStatus().equals(Status.UP));
    }
}
