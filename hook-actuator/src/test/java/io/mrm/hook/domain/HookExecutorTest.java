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
import org.junit.jupiter.api.Test;

class HookExecutorTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    /** A hook that answers what the test queued and records each call with the time it was given. */
    static final class ScriptedHook implements HookBackend {
        final Deque<HookOutcome> answers = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();
        final List<Duration> timeGiven = new ArrayList<>();

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
    void staleEpochCommandIsRefused() {
        executor.execute(step("c-5", 5));

        HookOutcome stale = executor.execute(step("c-4", 4));

        assertThat(stale.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(stale.detail()).startsWith("stale epoch 4").contains("epoch 5", "orders");
        assertThat(hook.calls).containsExactly("apply c-5");
        assertThat(executor.execute(step("c-6", 5)).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
    }

    @Test
    void epochsAreFencedPerApplication() {
        executor.execute(step("c-9", 9));
        HookStep otherApp = new HookStep(
                "c-x", "billing", "eu10", "us10", 1, HookMode.GRACEFUL, "notify-ops", T0.plusSeconds(30), false);

        assertThat(executor.execute(otherApp).status()).isEqualTo(HookOutcome.Status.SUCCEEDED);
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
        };
        HookExecutor withBroken = new HookExecutor(Map.of("notify-ops", broken), clock, 10);

        HookOutcome outcome = withBroken.execute(step("c-1", 1));

        assertThat(outcome.status()).isEqualTo(HookOutcome.Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("environment variable X is not set");
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
}
