package io.mrm.hook.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.HookRunCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hook.domain.HookExecutorTest.ScriptedHook;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookCommandHandlerTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final ScriptedHook notifyOps = new ScriptedHook();
    final ScriptedHook changeFreeze = new ScriptedHook(true);
    final HookCommandHandler handler = new HookCommandHandler(
            new HookExecutor(Map.of("notify-ops", notifyOps, "change-freeze", changeFreeze), clock, 100),
            clock,
            Duration.ofSeconds(2));

    static HookRunCommand command(String id, long epoch, String hook, boolean preflight, boolean rehearsal) {
        return new HookRunCommand(
                id,
                "orders",
                T0,
                HookRunCommand.SCHEMA_VERSION,
                new StepRef("d-1", epoch, 0, 1, T0.plusSeconds(30), rehearsal ? Boolean.TRUE : null),
                hook,
                preflight ? Boolean.TRUE : null,
                "eu10",
                "us10",
                FailoverMode.FORCED);
    }

    @Test
    void theHookGetsTheTimeToTheDeadlineLessTheAckMarginAndTheStepAsCommanded() {
        clock.advance(Duration.ofSeconds(10));

        CommandAck ack = handler.handle(command("c-1", 3, "notify-ops", false, false));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.errorCode()).isNull();
        assertThat(ack.fenceEpoch()).isEqualTo(3L);
        assertThat(notifyOps.timeGiven).containsExactly(Duration.ofSeconds(18));
        assertThat(notifyOps.calls).containsExactly("apply c-1");
    }

    @Test
    void aStaleEpochIsRejectedWithoutCallingTheHook() {
        handler.handle(command("c-5", 5, "notify-ops", false, false));

        CommandAck stale = handler.handle(command("c-4", 4, "notify-ops", false, false));

        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.fenceEpoch()).isEqualTo(5L);
        assertThat(notifyOps.calls).containsExactly("apply c-5");
    }

    @Test
    void aRehearsalRunsTheReadOnlyChecksAndFencesNothing() {
        CommandAck drill = handler.handle(command("d-9", 9, "notify-ops", false, true));
        CommandAck real = handler.handle(command("c-2", 2, "notify-ops", false, false));

        assertThat(drill.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(drill.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
        assertThat(real.outcome())
                .as("a drill's epoch 9 does not fence the real epoch 2")
                .isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(notifyOps.calls).containsExactly("rehearse d-9", "apply c-2");
    }

    @Test
    void aPreflightHooksVetoIsVetoed() {
        changeFreeze.answering(new HookOutcome(HookOutcome.Status.VETOED, "month-end close", Map.of()));

        CommandAck ack = handler.handle(command("c-1", 1, "change-freeze", true, false));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.VETOED);
        assertThat(ack.errorCode()).isEqualTo(HookCommandHandler.VETO);
        assertThat(ack.detail()).isEqualTo("month-end close");
        assertThat(ack.observed()).containsEntry("hook", "change-freeze");
    }

    @Test
    void aCommandPastItsDeadlineDoesNothing() {
        clock.advance(Duration.ofSeconds(31));

        CommandAck ack = handler.handle(command("c-1", 1, "notify-ops", false, false));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(notifyOps.calls).isEmpty();
    }

    @Test
    void aFailureIsAcknowledgedWithTheHooksDetail() {
        notifyOps.answering(HookOutcome.retriable("hook 'notify-ops' answered HTTP 503: busy"));

        CommandAck ack = handler.handle(command("c-1", 1, "notify-ops", false, false));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(HookCommandHandler.HOOK_FAILED);
        assertThat(ack.detail()).contains("HTTP 503");
    }
}
