package io.mrm.hook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class HookExecutorTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    /** A hook that answers what the test queued and records each call with the time it was given. */
    static class ScriptedHook implements HookBackend {
        final boolean preflight;
        final Deque<HookOutcome> answers = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();
        final List<Duration> timeGiven = new ArrayList<>();

        ScriptedHook() {
            this(false);
        }

        ScriptedHook(boolean preflight) {
            this.preflight = preflight;
        }

        @Override
        public boolean preflight() {
            return preflight;
        }

        ScriptedHook answering(HookOutcome... outcomes) {
            answers.addAll(List.of(outcomes));
            return this;
        }

        @Override
        public HookOutcome apply(HookStep step, Duration timeLeft) {
            calls.add("apply " + step.commandId());
            timeGiven.add(timeLeft);
            return answers.isEmpty() ? HookOutcome.succeeded("done", Map.of()) : answers.poll();
        }

        @Override
        public HookOutcome rehearse(HookStep step, Duration timeLeft) {
            calls.add("rehearse " + step.commandId());
            timeGiven.add(timeLeft);
            return HookOutcome.succeeded("would run", Map.of());
        }

        @Override
        public HookOutcome probe(String application, String region, Duration timeLeft) {
            calls.add("probe " + application + " " + region);
            return HookOutcome.succeeded("reachable", Map.of());
        }
    }

    final MutableClock clock = new MutableClock(T0);
    final ScriptedHook hook = new ScriptedHook();
    final HookExecutor executor = new HookExecutor(Map.of("notify-ops", hook), clock, 100);

    static HookStep step(String commandId, long epoch) {
        return new HookStep(
                commandId, "orders", "eu10", "us10", epoch, HookMode.GRACEFUL, "notify-ops", T0.plusSeconds(30), false);
    }

    @Test
    void aRepeatedCommandReturnsTheRecordedOutcomeWithoutCallingTheHookAgain() {
        HookOutcome first = executor.execute(step("c-1", 4));
        HookOutcome again = executor.execute(step("c-1", 4));

        assertThat(first.status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
        assertThat(again).isEqualTo(first);
        assertThat(hook.calls).containsExactly("apply c-1");
    }

    @Test
    void aCommandThatFailedRetriablyRunsAgain() {
        hook.answering(HookOutcome.retriable("503"), HookOutcome.succeeded("ok", Map.of()));

        assertThat(executor.execute(step("c-1", 4)).status()).isEqualTo(HookOutcome.Status.FAILED_RETRIABLE);
        assertThat(executor.execute(step("c-1", 4)).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
        assertThat(executor.execute(step("c-1", 4)).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
        assertThat(hook.calls).containsExactly("apply c-1", "apply c-1");
    }

    @Test
    void aFatalOutcomeIsNotRetriedUnderTheSameCommandId() {
        hook.answering(HookOutcome.fatal("401"));

        executor.execute(step("c-1", 4));
        HookOutcome again = executor.execute(step("c-1", 4));

        assertThat(again.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(hook.calls).hasSize(1);
    }

    @Test
    void epochsAreLeftToTheCommandGate() {
        executor.execute(step("c-5", 5));

        // the handler's CommandGate refuses stale epochs (REJECTED_STALE); the executor keeps no second fence
        assertThat(executor.execute(step("c-4", 4)).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
        assertThat(hook.calls).containsExactly("apply c-5", "apply c-4");
    }

    @Test
    void aPreflightStepOfAHookThatActsIsAFatalMisconfigurationAndCallsNothing() {
        HookStep preflightStep = new HookStep(
                "c-1",
                "orders",
                "eu10",
                "us10",
                1,
                HookMode.GRACEFUL,
                "notify-ops",
                T0.plusSeconds(30),
                false,
                true,
                null);

        HookOutcome outcome = executor.execute(preflightStep);

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("pre-flight step", "not configured with preflight: true");
        assertThat(hook.calls).isEmpty();
    }

    @Test
    void aHookStepOfAPreflightHookIsAFatalMisconfigurationAndCallsNothing() {
        ScriptedHook preflight = new ScriptedHook(true);
        HookExecutor withPreflight = new HookExecutor(Map.of("change-freeze", preflight), clock, 10);
        HookStep actingStep = new HookStep(
                "c-1", "orders", "eu10", "us10", 1, HookMode.GRACEFUL, "change-freeze", T0.plusSeconds(30), false);

        HookOutcome outcome = withPreflight.execute(actingStep);

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("as a HOOK step", "configured with preflight: true");
        assertThat(preflight.calls).isEmpty();
    }

    @Test
    void aPreflightStepOfAPreflightHookRunsIt() {
        ScriptedHook preflight =
                new ScriptedHook(true).answering(new HookOutcome(HookOutcome.Status.VETOED, "freeze", null));
        HookExecutor withPreflight = new HookExecutor(Map.of("change-freeze", preflight), clock, 10);
        HookStep step = new HookStep(
                "c-1",
                "orders",
                "eu10",
                "us10",
                1,
                HookMode.GRACEFUL,
                "change-freeze",
                T0.plusSeconds(30),
                false,
                true,
                null);

        assertThat(withPreflight.execute(step).status()).isEqualTo(HookOutcome.Status.VETOED);
        assertThat(preflight.calls).containsExactly("apply c-1");
    }

    @Test
    void theHookGetsTheTimeLeftUntilTheDeadline() {
        clock.advance(Duration.ofSeconds(12));

        executor.execute(step("c-1", 1));

        assertThat(hook.timeGiven).containsExactly(Duration.ofSeconds(18));
    }

    @Test
    void aStepWhoseDeadlinePassedDoesNotStart() {
        clock.advance(Duration.ofSeconds(30));

        HookOutcome outcome = executor.execute(step("c-1", 1));

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_RETRIABLE);
        assertThat(outcome.detail()).contains("deadline");
        assertThat(hook.calls).isEmpty();
    }

    @Test
    void aRehearsalRunsOnlyTheReadOnlyChecks() {
        HookStep drill = new HookStep(
                "d-1", "orders", "eu10", "us10", 1, HookMode.GRACEFUL, "notify-ops", T0.plusSeconds(30), true);

        HookOutcome outcome = executor.execute(drill);

        assertThat(outcome.detail()).isEqualTo("would run");
        assertThat(hook.calls).containsExactly("rehearse d-1");
    }

    @Test
    void anUnknownHookIsAFatalFailureNamingTheConfiguredOnes() {
        HookStep step = new HookStep(
                "c-1", "orders", "eu10", "us10", 1, HookMode.GRACEFUL, "cpi-orders", T0.plusSeconds(30), false);

        HookOutcome outcome = executor.execute(step);

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("'cpi-orders'", "notify-ops");
    }

    @Test
    void aCommandIdReusedForAnotherStepIsRefused() {
        executor.execute(step("c-1", 1));
        HookStep other = new HookStep(
                "c-1", "orders", "us10", "eu10", 1, HookMode.GRACEFUL, "notify-ops", T0.plusSeconds(30), false);

        HookOutcome outcome = executor.execute(other);

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("already used for a different step");
        assertThat(hook.calls).hasSize(1);
    }

    @Test
    void aCommandIdReusedForAnotherStepDoesNotReplaceWhatTheFirstStepWasAnswered() {
        executor.execute(step("c-1", 1));
        executor.execute(new HookStep(
                "c-1", "orders", "us10", "eu10", 1, HookMode.GRACEFUL, "notify-ops", T0.plusSeconds(30), false));

        // the first command redelivered still gets its own answer, not the refusal of the impostor
        HookOutcome redelivered = executor.execute(step("c-1", 1));

        assertThat(redelivered.status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
        assertThat(hook.calls).hasSize(1);
    }

    @Test
    void aVetoedPreflightCommandRedeliveredIsVetoedAgainWithoutAskingTheHookAgain() {
        ScriptedHook freeze =
                new ScriptedHook(true).answering(new HookOutcome(HookOutcome.Status.VETOED, "freeze on", Map.of()));
        HookExecutor withFreeze = new HookExecutor(Map.of("change-freeze", freeze), clock, 100);
        HookStep ask = new HookStep(
                "c-9",
                "orders",
                "eu10",
                "us10",
                3,
                HookMode.FORCED,
                "change-freeze",
                T0.plusSeconds(30),
                false,
                true,
                "d-1/3/0");

        assertThat(withFreeze.execute(ask).status()).isEqualTo(HookOutcome.Status.VETOED);
        HookOutcome again = withFreeze.execute(ask);

        assertThat(again.status()).isEqualTo(HookOutcome.Status.VETOED);
        assertThat(again.detail()).isEqualTo("freeze on");
        assertThat(freeze.calls).hasSize(1);
    }

    @Test
    void aHookThatThrowsIsReportedNotPropagated() {
        HookBackend broken = new HookBackend() {
            @Override
            public HookOutcome apply(HookStep step, Duration timeLeft) {
                throw new IllegalStateException("credential not available: environment variable X is not set");
            }

            @Override
            public HookOutcome rehearse(HookStep step, Duration timeLeft) {
                return apply(step, timeLeft);
            }

            @Override
            public HookOutcome probe(String application, String region, Duration timeLeft) {
                return HookOutcome.succeeded("reachable", Map.of());
            }
        };
        HookExecutor withBroken = new HookExecutor(Map.of("notify-ops", broken), clock, 10);

        HookOutcome outcome = withBroken.execute(step("c-1", 1));

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("environment variable X is not set");
    }

    @Test
    void theOldestCommandIdsAreForgottenBeyondTheBound() {
        HookExecutor small = new HookExecutor(Map.of("notify-ops", hook), clock, 1);

        small.execute(step("c-1", 1));
        small.execute(step("c-2", 1));
        small.execute(step("c-1", 1));

        assertThat(hook.calls).containsExactly("apply c-1", "apply c-2", "apply c-1");
    }

    @Test
    void aCommandRedeliveredWhileItRunsWaitsAndGetsTheSameOutcome() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        HookBackend slow = new HookBackend() {
            @Override
            public HookOutcome apply(HookStep step, Duration timeLeft) {
                calls.incrementAndGet();
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HookOutcome.succeeded("done once", Map.of());
            }

            @Override
            public HookOutcome rehearse(HookStep step, Duration timeLeft) {
                return apply(step, timeLeft);
            }

            @Override
            public HookOutcome probe(String application, String region, Duration timeLeft) {
                return HookOutcome.succeeded("reachable", Map.of());
            }
        };
        HookExecutor shared = new HookExecutor(Map.of("notify-ops", slow), clock, 10);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<HookOutcome> first = threads.submit(() -> shared.execute(step("c-1", 1)));
            assertThat(entered.await(2, TimeUnit.MINUTES)).isTrue();
            AtomicReference<Thread> secondThread = new AtomicReference<>();
            Future<HookOutcome> second = threads.submit(() -> {
                secondThread.set(Thread.currentThread());
                return shared.execute(step("c-1", 1));
            });
            // the race really happens: the redelivery is blocked while the first run is inside the hook
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() ->
                            secondThread.get() != null && secondThread.get().getState() == Thread.State.BLOCKED);
            release.countDown();

            assertThat(first.get(2, TimeUnit.MINUTES).detail()).isEqualTo("done once");
            assertThat(second.get(2, TimeUnit.MINUTES).detail()).isEqualTo("done once");
            assertThat(calls.get()).isEqualTo(1);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void invalidStepsAreRefusedNamingEveryProblem() {
        assertThatThrownBy(() -> new HookStep("", "Orders", "eu10", "eu10", -1, null, "k", null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commandId is required")
                .hasMessageContaining("application 'Orders' is not valid")
                .hasMessageContaining("fromRegion and toRegion are both 'eu10'")
                .hasMessageContaining("epoch must not be negative")
                .hasMessageContaining("mode is required")
                .hasMessageContaining("deadline is required");
    }

    @Test
    void aRealStepIsNotHeldUpByAHungRehearsalOfTheSameApplication() throws Exception {
        CountDownLatch rehearsing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedHook hanging = new ScriptedHook() {
            @Override
            public HookOutcome rehearse(HookStep step, Duration timeLeft) {
                rehearsing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HookOutcome.succeeded("would run", Map.of());
            }
        };
        HookExecutor lanes = new HookExecutor(Map.of("notify-ops", hanging), clock, 100);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<HookOutcome> drill = pool.submit(() -> lanes.execute(new HookStep(
                    "drill-1",
                    "orders",
                    "eu10",
                    "us10",
                    1,
                    HookMode.GRACEFUL,
                    "notify-ops",
                    T0.plusSeconds(30),
                    true)));
            assertThat(rehearsing.await(30, TimeUnit.SECONDS)).isTrue();
            Future<HookOutcome> real = pool.submit(() -> lanes.execute(step("real-1", 2)));

            // the real step ends while the rehearsal still hangs
            assertThat(real.get(30, TimeUnit.SECONDS).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
            assertThat(drill.isDone())
                    .as("the rehearsal still hangs: the race happened")
                    .isFalse();
            release.countDown();
            assertThat(drill.get(30, TimeUnit.SECONDS).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
