package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler's metrics, read from a meter registry after real probes ran. */
class ProbeSchedulerMetricsTest {

    static final Duration FAST = Duration.ofMillis(20);
    /** How long a test waits for something that happens within milliseconds on an idle machine. */
    static final Duration BOUND = Duration.ofSeconds(30);

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ObservationSink accepting = observation -> CompletableFuture.completedFuture(null);
    final CountDownLatch release = new CountDownLatch(1);
    ProbeScheduler scheduler;

    @AfterEach
    void stopScheduler() {
        release.countDown();
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    @Test
    void probesAreTimedByKindTargetAndOutcome() {
        ProbeTarget up = target("web", Duration.ofMinutes(1));
        ProbeTarget down = target("db", Duration.ofMinutes(1));
        start(
                accepting,
                100,
                new MonitoredTarget(up, () -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok"))),
                new MonitoredTarget(
                        down, () -> CompletableFuture.completedFuture(ProbeResult.down(Duration.ZERO, "HTTP 503"))),
                new MonitoredTarget(
                        target("hana", Duration.ofMinutes(1)),
                        () -> CompletableFuture.completedFuture(ProbeResult.notProbed("lane full"))));

        await("three outcomes timed").atMost(BOUND).untilAsserted(() -> {
            assertThat(timer("orders/eu10/web", "UP").count()).isGreaterThanOrEqualTo(3);
            assertThat(timer("orders/eu10/db", "DOWN").count()).isGreaterThanOrEqualTo(3);
            assertThat(timer("orders/eu10/hana", ProbeMetrics.NOT_PROBED).count())
                    .isGreaterThanOrEqualTo(3);
        });
        Timer web = timer("orders/eu10/web", "UP");
        assertThat(web.getId().getTag("kind")).isEqualTo("HTTP");
        assertThat(web.takeSnapshot().histogramCounts()).hasSize(MicrometerProbeMetrics.BUCKETS.length);
        assertThat(registry.find("mrm.probe.duration")
                        .tag("target", "orders/eu10/web")
                        .tag("outcome", "DOWN")
                        .timer())
                .isNull();
    }

    @Test
    void aTickThatFindsTheProbeStillRunningIsCountedForItsTarget() {
        ProbeTarget stuck = target("stuck", Duration.ofMinutes(1));
        start(accepting, 100, new MonitoredTarget(stuck, CompletableFuture::new));

        await("skipped ticks counted")
                .atMost(BOUND)
                .until(() -> skipped("orders/eu10/stuck").count() >= 3);
        scheduler.stop(); // the counts hold still from here
        assertThat(skipped("orders/eu10/stuck").count()).isEqualTo((double) scheduler.skippedTicks());
    }

    @Test
    void failedPublishesAndAFullQueueAreCountedAsDroppedByReason() {
        ObservationSink failing = observation -> CompletableFuture.failedFuture(new IllegalStateException("broker"));
        start(failing, 100, upTarget("web"));

        await("failed publishes counted").atMost(BOUND).until(() -> dropped("publish_failed") >= 3);
        scheduler.stop();
        assertThat(dropped("queue_full")).isZero();
        assertThat(dropped("publish_failed")).isEqualTo((double) scheduler.publishFailures());
    }

    @Test
    void aFullPublishQueueIsCountedAsDropped() {
        // the publisher is stuck in the sink, so the queue (capacity 1) fills
        ObservationSink hanging = observation -> {
            try {
                release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
        };
        start(hanging, 1, upTarget("web"));

        await("dropped observations counted").atMost(BOUND).until(() -> dropped("queue_full") >= 3);
        release.countDown();
        scheduler.stop();
        assertThat(dropped("queue_full")).isEqualTo((double) scheduler.droppedObservations());
    }

    private void start(ObservationSink sink, int queue, MonitoredTarget... targets) {
        ObservationRule rule = new ObservationRule(
                "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString());
        scheduler = new ProbeScheduler(
                List.of(targets), rule, sink, new SplittableRandom(1), 2, queue, Duration.ofSeconds(1));
        scheduler.recordMetricsTo(new MicrometerProbeMetrics(
                registry, List.of(targets).stream().map(MonitoredTarget::target).toList()));
        scheduler.start();
    }

    private static MonitoredTarget upTarget(String component) {
        return new MonitoredTarget(
                target(component, Duration.ofMinutes(1)),
                () -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")));
    }

    private Timer timer(String target, String outcome) {
        Timer timer = registry.find("mrm.probe.duration")
                .tag("target", target)
                .tag("outcome", outcome)
                .timer();
        assertThat(timer).as(target + " " + outcome).isNotNull();
        return timer;
    }

    private Counter skipped(String target) {
        return registry.get("mrm.probe.ticks.skipped").tag("target", target).counter();
    }

    private double dropped(String reason) {
        return registry.get("mrm.observations.dropped")
                .tag("reason", reason)
                .counter()
                .count();
    }

    private static ProbeTarget target(String component, Duration timeout) {
        return new ProbeTarget("orders", "eu10", component, ProbeKind.HTTP, FAST, timeout);
    }
}
