package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.health.domain.ObservationSink;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import io.mrm.health.domain.ProbeTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {

    static final Duration FAST = Duration.ofMillis(20);
    /** How long a test waits for something that happens within milliseconds on an idle machine. */
    static final Duration BOUND = Duration.ofSeconds(30);

    static final int TICKER_THREADS = 2;

    final List<HealthObservation> published = new CopyOnWriteArrayList<>();
    final ObservationSink recordingSink = observation -> {
        published.add(observation);
        return CompletableFuture.completedFuture(null);
    };
    ProbeScheduler scheduler;

    @AfterEach
    void stopScheduler() {
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    @Test
    void slowTargetsDoNotDelayAFastOne() {
        // more slow targets than ticker threads: a scheduler that waited for a probe would starve the fast one
        List<CountingProbe> slow = new ArrayList<>();
        List<MonitoredTarget> targets = new ArrayList<>();
        for (int i = 0; i < TICKER_THREADS + 2; i++) {
            CountingProbe never = new CountingProbe(CompletableFuture::new);
            slow.add(never);
            targets.add(new MonitoredTarget(target("slow-" + i, FAST, Duration.ofMinutes(1)), never));
        }
        CountingProbe fast =
                new CountingProbe(() -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")));
        targets.add(new MonitoredTarget(target("fast", FAST, Duration.ofMinutes(1)), fast));
        start(recordingSink, targets.toArray(MonitoredTarget[]::new));

        await("fast target observed 20 times")
                .atMost(BOUND)
                .until(() -> observationsOf("fast").size() >= 20);

        assertThat(published).allSatisfy(o -> assertThat(o.component()).isEqualTo("fast"));
        assertThat(slow).allSatisfy(probe -> assertThat(probe.calls.get()).isEqualTo(1));
        assertThat(observationsOf("fast"))
                .allSatisfy(o -> assertThat(o.status()).isEqualTo(HealthStatus.UP));
    }

    @Test
    void noOverlappingProbesForOneTarget() {
        Queue<CompletableFuture<ProbeResult>> pending = new ConcurrentLinkedQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountingProbe probe = new CountingProbe(() -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<ProbeResult> answer = new CompletableFuture<>();
            pending.add(answer);
            return answer;
        });
        start(recordingSink, new MonitoredTarget(target("app", FAST, Duration.ofMinutes(1)), probe));

        await("first probe started").atMost(BOUND).until(() -> probe.calls.get() == 1);
        await("later ticks skipped while it runs").atMost(BOUND).until(() -> scheduler.skippedTicks() >= 5);
        assertThat(probe.calls.get()).isEqualTo(1);

        inFlight.decrementAndGet();
        pending.poll().complete(ProbeResult.up(Duration.ofMillis(1), "ok"));

        await("next probe starts once the first answered").atMost(BOUND).until(() -> probe.calls.get() == 2);
        await("the first answer published").atMost(BOUND).until(() -> published.size() == 1);
        assertThat(maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void probeThatThrowsIsReportedDownAndStillProbedAgain() {
        CountingProbe throwing = new CountingProbe(() -> {
            throw new IllegalStateException("boom");
        });
        start(recordingSink, new MonitoredTarget(target("app", FAST, Duration.ofMinutes(1)), throwing));

        await("probed again after throwing").atMost(BOUND).until(() -> published.size() >= 3);

        assertThat(published).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(o.detail()).isEqualTo("probe failed: IllegalStateException: boom");
        });
    }

    @Test
    void probeThatNeverAnswersIsReportedDownAfterItsTimeoutAndProbedAgain() {
        CountingProbe hanging = new CountingProbe(CompletableFuture::new);
        start(recordingSink, new MonitoredTarget(target("app", FAST, Duration.ofMillis(100)), hanging));

        await("two timeouts reported").atMost(BOUND).until(() -> published.size() >= 2);

        assertThat(hanging.calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(published).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(o.detail()).isEqualTo("probe gave no result within 100 ms");
            assertThat(o.latencyMs()).isGreaterThanOrEqualTo(100L);
        });
    }

    @Test
    void publishFailuresAreCountedAndProbingContinues() {
        AtomicInteger attempts = new AtomicInteger();
        ObservationSink failingSink = observation -> {
            if (attempts.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("broker unreachable");
            }
            return CompletableFuture.failedFuture(new IllegalStateException("send timed out"));
        };
        CountingProbe probe =
                new CountingProbe(() -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")));
        start(failingSink, new MonitoredTarget(target("app", FAST, Duration.ofMinutes(1)), probe));

        await("several publishes failed").atMost(BOUND).until(() -> scheduler.publishFailures() >= 6);

        int calls = probe.calls.get();
        await("still probing").atMost(BOUND).until(() -> probe.calls.get() > calls);
        assertThat(scheduler.publishedObservations()).isZero();
    }

    @Test
    void stoppedSchedulerProbesNoMore() {
        CountingProbe probe =
                new CountingProbe(() -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")));
        start(recordingSink, new MonitoredTarget(target("app", FAST, Duration.ofMinutes(1)), probe));
        await().atMost(BOUND).until(() -> probe.calls.get() >= 2);

        scheduler.stop();
        int calls = probe.calls.get();

        assertThat(scheduler.isRunning()).isFalse();
        await("no probe after stop")
                .during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(() -> probe.calls.get() == calls);
    }

    @Test
    void everyTickReportsHowLateItStarted() {
        // the ticks are run by hand at chosen times of a hand-set clock, so every slip is known exactly
        AtomicLong nanos = new AtomicLong(Duration.ofHours(1).toNanos());
        ManualTicker ticker = new ManualTicker();
        List<Long> slips = new CopyOnWriteArrayList<>();
        CountingProbe probe =
                new CountingProbe(() -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")));
        ObservationRule rule = new ObservationRule(
                "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString());
        scheduler = new ProbeScheduler(
                List.of(new MonitoredTarget(target("app", FAST, Duration.ofMinutes(1)), probe)),
                rule,
                recordingSink,
                new SplittableRandom(1),
                100,
                Duration.ofSeconds(1),
                nanos::get,
                threads -> ticker);
        scheduler.onTickSlip(slips::add);
        long startedAt = nanos.get();
        scheduler.start();

        ManualTicker.FixedRate ticks = ticker.tasks().get(0);
        assertThat(ticker.tasks()).hasSize(1);
        assertThat(ticks.periodNanos()).isEqualTo(FAST.toNanos());
        long firstDue = startedAt + ticks.initialDelayNanos();
        long late = Duration.ofMillis(30).toNanos();
        nanos.set(firstDue);
        ticks.command().run(); // on time
        nanos.set(firstDue + FAST.toNanos() + late);
        ticks.command().run(); // 30 ms late
        nanos.set(firstDue + 2 * FAST.toNanos() + Duration.ofMillis(5).toNanos());
        ticks.command().run(); // the plan kept its rate: 5 ms late, not 35

        assertThat(slips).containsExactly(0L, late, Duration.ofMillis(5).toNanos());
        assertThat(probe.calls.get()).isEqualTo(3);
    }

    @Test
    void aRealTickerNeverStartsATickBeforeItsPlan() {
        // the plan the slips are measured against is the one the executor follows: a tick is never early
        // (how late it is depends on the machine and is not asserted)
        List<Long> slips = new CopyOnWriteArrayList<>();
        CountingProbe probe =
                new CountingProbe(() -> CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok")));
        ObservationRule rule = new ObservationRule(
                "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString());
        scheduler = new ProbeScheduler(
                List.of(new MonitoredTarget(target("app", FAST, Duration.ofMinutes(1)), probe)),
                rule,
                recordingSink,
                new SplittableRandom(1),
                TICKER_THREADS,
                100,
                Duration.ofSeconds(1));
        scheduler.onTickSlip(slips::add);
        scheduler.start();

        await("ten ticks measured").atMost(BOUND).until(() -> slips.size() >= 10);

        assertThat(slips)
                .allSatisfy(slip -> assertThat(slip)
                        .isGreaterThanOrEqualTo(-Duration.ofMillis(1).toNanos()));
    }

    @Test
    void firstRunsAreSpreadOverTheInterval() {
        Duration interval = Duration.ofSeconds(10);
        RandomGenerator random = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long delay = ProbeScheduler.initialDelayMillis(interval, random);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(min).isGreaterThanOrEqualTo(0).isLessThan(1000);
        assertThat(max).isLessThan(10_000).isGreaterThan(9_000);
    }

    private void start(ObservationSink sink, MonitoredTarget... targets) {
        ObservationRule rule = new ObservationRule(
                "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString());
        scheduler = new ProbeScheduler(
                List.of(targets), rule, sink, new SplittableRandom(1), TICKER_THREADS, 100, Duration.ofSeconds(1));
        scheduler.start();
    }

    private List<HealthObservation> observationsOf(String component) {
        return published.stream().filter(o -> o.component().equals(component)).toList();
    }

    private static ProbeTarget target(String component, Duration interval, Duration timeout) {
        return new ProbeTarget("orders", "eu10", component, ProbeKind.HTTP, interval, timeout);
    }

    /** A probe that counts how often it was started. */
    private static final class CountingProbe implements Probe {
        final AtomicInteger calls = new AtomicInteger();
        final java.util.function.Supplier<CompletionStage<ProbeResult>> answer;

        CountingProbe(java.util.function.Supplier<CompletionStage<ProbeResult>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletionStage<ProbeResult> probe() {
            calls.incrementAndGet();
            return answer.get();
        }
    }
}
