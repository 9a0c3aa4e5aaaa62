package io.mrm.events.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * One classification of a missed deadline, at the actuators as at the engine: retriable, never fatal. A
 * rehearsal is refused as stale like a real command, and never records its epoch.
 */
class CommandGateTest {

    static final Instant ENGINE_NOW = Instant.parse("2026-12-06T10:00:00Z");

    private static DnsRouteCommand command(Duration timeout) {
        return new DnsRouteCommand(
                "c-1",
                "orders",
                ENGINE_NOW,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-1", 3, 0, 1, ENGINE_NOW.plus(timeout)),
                "us10");
    }

    @Test
    void anActuatorWhoseClockRunsAheadAnswersRetriableNotFatal() {
        CommandGate gate = new CommandGate();
        // the engine gave the attempt 2 s; the actuator's clock is 2.5 s ahead of the engine's
        CommandAck ack = gate.refusal(command(Duration.ofSeconds(2)), ENGINE_NOW.plusMillis(2_500))
                .orElseThrow();

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(ack.detail()).contains("500 ms", "clock may run ahead");
        assertThat(ack.observed()).containsEntry("lateMs", "500");
    }

    @Test
    void aCommandWithinItsDeadlineRuns() {
        assertThat(new CommandGate().refusal(command(Duration.ofSeconds(2)), ENGINE_NOW.plusMillis(1_999)))
                .isEmpty();
    }

    private static DnsRouteCommand at(long epoch, boolean rehearsal) {
        return new DnsRouteCommand(
                "c-" + epoch,
                "orders",
                ENGINE_NOW,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-" + epoch, epoch, 0, 1, ENGINE_NOW.plusSeconds(60), rehearsal),
                "us10");
    }

    @Test
    void aRehearsalRecordsNoEpoch() {
        CommandGate gate = new CommandGate();

        assertThat(gate.refusal(at(9, true), ENGINE_NOW)).isEmpty();

        assertThat(gate.highest("orders")).isZero();
        assertThat(gate.refusal(at(8, false), ENGINE_NOW))
                .as("the real decision after a drill runs")
                .isEmpty();
    }

    @Test
    void aRehearsalBelowAnEpochSeenIsRefusedAsStale() {
        CommandGate gate = new CommandGate();
        assertThat(gate.refusal(at(5, false), ENGINE_NOW)).isEmpty();

        CommandAck ack = gate.refusal(at(4, true), ENGINE_NOW).orElseThrow();

        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(ack.fenceEpoch()).isEqualTo(5);
        assertThat(gate.refusal(at(5, true), ENGINE_NOW))
                .as("equal to the highest is not stale")
                .isEmpty();
    }
}
