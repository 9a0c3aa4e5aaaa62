package io.mrm.hana.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.hana.adapter.InMemoryDataReplication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What hana-sync's rehearsals read besides the readiness checks: a drain's one read of the backlog, held
 * against the command's bound as the real drain would (over it, the rehearsal says the drain would be
 * refused); a forced promote reads nothing of the region it leaves. The in-memory backend changes nothing.
 */
class HanaSyncRehearsalTest {

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    final InMemoryDataReplication memory = new InMemoryDataReplication().replicating("orders", "eu10", "us10");
    final AtomicInteger backlogReads = new AtomicInteger();
    long backlogBytes = 0;

    final DataReplication measuring = new DataReplication() {
        @Override
        public Backlog backlog(String applicationId, String fromRegion, String toRegion) {
            backlogReads.incrementAndGet();
            return Backlog.measured(backlogBytes, "WAL bytes", Map.of());
        }

        @Override
        public ReplicationStatus status(String applicationId) {
            return memory.status(applicationId);
        }

        @Override
        public DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within) {
            return memory.drain(applicationId, fromRegion, toRegion, within);
        }

        @Override
        public ReplicationStatus promote(
                String applicationId, String region, long epoch, boolean forced, Duration within)
                throws ActuatorFailure {
            return memory.promote(applicationId, region, epoch, forced, within);
        }

        @Override
        public ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
                throws ActuatorFailure {
            return memory.reprotect(applicationId, fromRegion, toRegion, epoch);
        }

        @Override
        public FenceResult fence(String applicationId, String region, long epoch, Duration within)
                throws ActuatorFailure {
            return memory.fence(applicationId, region, epoch, within);
        }
    };

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final HanaSyncCommandHandler handler = new HanaSyncCommandHandler(
            measuring,
            clock,
            new Rehearsal(
                    new DataReadinessChecker(memory, clock, Duration.ofSeconds(30)),
                    clock,
                    Duration.ofSeconds(30),
                    HanaSyncCommandHandler.ACK_MARGIN));

    static StepRef rehearsal(long epoch) {
        return new StepRef("d-" + epoch, epoch, 1, 1, NOW.plusSeconds(30), true);
    }

    @Test
    void aDrainRehearsalOverTheBacklogBoundSaysTheDrainWouldBeRefused() {
        backlogBytes = 5_000;

        CommandAck ack =
                handler.handle(new DataDrainCommand("drain-1", "orders", NOW, 1, rehearsal(4), "eu10", "us10", 1_000L));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(DataDrainCommand.BACKLOG_TOO_LARGE);
        assertThat(ack.detail())
                .isEqualTo(
                        "would refuse to drain eu10->us10: backlog 5000 bytes, more than the drain bound of 1000 bytes");
        assertThat(memory.changes("orders")).isZero();
    }

    @Test
    void aDrainRehearsalWithinTheBoundSaysSoAndNeverWaits() {
        backlogBytes = 10;
        memory.stall("orders", true); // a real drain would wait for its deadline

        CommandAck ack =
                handler.handle(new DataDrainCommand("drain-2", "orders", NOW, 1, rehearsal(4), "eu10", "us10", 1_000L));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail())
                .isEqualTo("would drain eu10->us10 (backlog 10 bytes, within the drain bound of 1000 bytes)");
        assertThat(ack.durationMs()).as("measured on the fixed clock: no wait").isZero();
    }

    @Test
    void aForcedPromoteRehearsalReadsNothingOfTheRegionItLeaves() {
        CommandAck ack = handler.handle(
                new DataPromoteCommand("promote-1", "orders", NOW, 1, rehearsal(4), "us10", FailoverMode.FORCED));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail()).startsWith("would promote us10 (forced) under epoch 4, fencing eu10 where it answers");
        assertThat(backlogReads).hasValue(0);
        assertThat(memory.status("orders").primaryRegion()).isEqualTo("eu10");
        assertThat(memory.changes("orders")).isZero();
    }

    @Test
    void aGracefulPromoteRehearsalReportsTheBacklogToApply() {
        backlogBytes = 0;

        CommandAck ack = handler.handle(new DataPromoteCommand("promote-2", "orders", NOW, 1, rehearsal(4), "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail()).startsWith("would promote us10 under epoch 4, fencing eu10 first (backlog 0 bytes; ");
        assertThat(memory.status("orders").primaryRegion()).isEqualTo("eu10");
        assertThat(memory.fenced("orders", "eu10")).isFalse();
    }
}
