package io.mrm.hana.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.hana.adapter.InMemoryDataReplication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HanaSyncCommandHandlerTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    final InMemoryDataReplication memory = new InMemoryDataReplication().replicating("orders", "eu10", "us10");
    final List<Duration> drainBudgets = new ArrayList<>();
    /** What the backend measures as the backlog in bytes (null: it cannot). */
    Long backlogBytes;

    final DataReplication recording = new DataReplication() {
        @Override
        public Backlog backlog(String applicationId, String fromRegion, String toRegion) {
            return backlogBytes == null
                    ? Backlog.unknown("not measurable here", java.util.Map.of())
                    : Backlog.measured(backlogBytes, "WAL bytes", java.util.Map.of("backlogFromLsn", "5000"));
        }

        @Override
        public ReplicationStatus status(String applicationId) {
            return memory.status(applicationId);
        }

        @Override
        public DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within) {
            drainBudgets.add(within);
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
    final HanaSyncCommandHandler handler = new HanaSyncCommandHandler(recording, Clock.fixed(NOW, ZoneOffset.UTC));

    static StepRef step(long epoch, int index) {
        return new StepRef("d-" + epoch, epoch, index, 1, NOW.plusSeconds(30));
    }

    static DataDrainCommand drain(long epoch, String from, String to) {
        return new DataDrainCommand("drain-" + epoch, "orders", NOW, 1, step(epoch, 0), from, to);
    }

    static DataPromoteCommand promote(long epoch, String region) {
        return new DataPromoteCommand("promote-" + epoch, "orders", NOW, 1, step(epoch, 1), region);
    }

    static DataReprotectCommand reprotect(long epoch, String from, String to) {
        return new DataReprotectCommand("reprotect-" + epoch, "orders", NOW, 1, step(epoch, 0), from, to);
    }

    static DataDrainCommand boundedDrain(long epoch, long maxBacklogBytes) {
        return new DataDrainCommand(
                "drain-" + epoch, "orders", NOW, 1, step(epoch, 0), "eu10", "us10", maxBacklogBytes);
    }

    @Test
    void aDrainWhoseBacklogExceedsItsBoundIsRefusedAtOnceWithoutDrainingOrChangingAnything() {
        memory.commit("orders", 40);
        backlogBytes = 2_000_000L;

        CommandAck ack = handler.handle(boundedDrain(1, 1_000_000L));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(DataDrainCommand.BACKLOG_TOO_LARGE);
        assertThat(ack.detail())
                .contains("2000000 bytes")
                .contains("bound of 1000000 bytes")
                .contains("nothing changed");
        assertThat(ack.observed())
                .containsEntry("backlogBytes", "2000000")
                .containsEntry("maxBacklogBytes", "1000000")
                .containsEntry("backlogFromLsn", "5000")
                .containsEntry("changed", "false")
                .containsEntry("primary", "eu10");
        assertThat(drainBudgets).as("no drain started").isEmpty();
        assertThat(memory.changes("orders")).isZero();
        assertThat(memory.status("orders").backlog())
                .as("nothing applied either")
                .isEqualTo(40);
    }

    @Test
    void aDrainWithinItsBoundOrWhoseBacklogCannotBeMeasuredDrainsAsBefore() {
        memory.commit("orders", 40);
        backlogBytes = 1_000_000L;
        CommandAck within = handler.handle(boundedDrain(1, 1_000_000L));
        assertThat(within.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(within.observed()).containsEntry("backlogBytes", "1000000").containsEntry("backlog", "0");

        memory.commit("orders", 40);
        backlogBytes = null;
        CommandAck unknown = handler.handle(boundedDrain(2, 1L));
        assertThat(unknown.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(unknown.observed()).containsEntry("backlogBytes", "unknown: not measurable here");
        assertThat(drainBudgets).hasSize(2);

        CommandAck unbounded = handler.handle(drain(3, "eu10", "us10"));
        assertThat(unbounded.observed()).doesNotContainKeys("backlogBytes", "maxBacklogBytes");
    }

    @Test
    void drainBoundedByTheDeadlineSucceedsWhenTheStandbyCaughtUp() {
        memory.commit("orders", 40);
        CommandAck ack = handler.handle(drain(1, "eu10", "us10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.fenceEpoch())
                .as("the gate's epoch: a drain writes none to the backend")
                .isEqualTo(1L);
        assertThat(ack.observed())
                .containsEntry("backlog", "0")
                .containsEntry("direction", "eu10->us10")
                .containsEntry("primary", "eu10");
        assertThat(drainBudgets).containsExactly(Duration.ofSeconds(30).minus(HanaSyncCommandHandler.ACK_MARGIN));
    }

    @Test
    void drainThatTimesOutAcksTheRemainingBacklogAsRetriable() {
        memory.commit("orders", 40);
        memory.stall("orders", true);
        CommandAck ack = handler.handle(drain(1, "eu10", "us10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("DRAIN_TIMEOUT");
        assertThat(ack.observed()).containsEntry("remaining", "40").containsEntry("backlog", "40");
    }

    @Test
    void drainIntoThePrimaryHasNothingToWaitFor() {
        memory.commit("orders", 40);
        CommandAck ack = handler.handle(drain(1, "us10", "eu10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail()).isEqualTo("eu10 is already the primary");
        assertThat(drainBudgets).isEmpty();
    }

    @Test
    void promoteOnceAndReDeliveriesOfPromoteAndDrainChangeNothing() {
        CommandAck first = handler.handle(promote(1, "us10"));
        CommandAck again = handler.handle(promote(1, "us10"));
        CommandAck lateDrain = handler.handle(drain(1, "eu10", "us10"));
        assertThat(first.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(first.fenceEpoch()).isEqualTo(1L);
        assertThat(first.observed())
                .containsEntry("primary", "us10")
                .containsEntry("fencingEpoch", "1")
                .containsEntry("direction", "none")
                .containsEntry("changed", "true");
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(lateDrain.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(memory.changes("orders")).isEqualTo(1);
    }

    @Test
    void commandBelowTheStoredEpochIsRefusedEvenByAFreshActuator() {
        handler.handle(promote(3, "us10"));
        // a second actuator instance has not seen epoch 3; the backend's fencing table has
        HanaSyncCommandHandler other = new HanaSyncCommandHandler(recording, Clock.fixed(NOW, ZoneOffset.UTC));
        CommandAck stale = other.handle(promote(2, "eu10"));
        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo(DataStaleEpochException.CODE);
        assertThat(stale.fenceEpoch())
                .as("the backend's epoch, which this actuator never saw")
                .isEqualTo(3L);
        assertThat(memory.status("orders").primaryRegion()).isEqualTo("us10");
    }

    @Test
    void staleEpochSeenByThisActuatorIsRefusedBeforeTheBackend() {
        handler.handle(promote(2, "us10"));
        CommandAck stale = handler.handle(reprotect(1, "us10", "eu10"));
        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("STALE_EPOCH");
        assertThat(stale.fenceEpoch()).isEqualTo(2L);
    }

    @Test
    void reprotectStartsTheOppositeDirectionOnceAndOnlyFromThePrimary() {
        handler.handle(promote(1, "us10"));
        CommandAck wrong = handler.handle(reprotect(2, "eu10", "us10"));
        CommandAck first = handler.handle(reprotect(2, "us10", "eu10"));
        CommandAck again = handler.handle(reprotect(2, "us10", "eu10"));
        assertThat(wrong.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(wrong.errorCode()).isEqualTo("NOT_PRIMARY");
        assertThat(first.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(first.observed()).containsEntry("direction", "us10->eu10");
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(memory.changes("orders")).isEqualTo(2);
    }

    @Test
    void backendFailuresAreClassified() {
        DataReplication broken = new DataReplication() {
            @Override
            public ReplicationStatus status(String applicationId) throws ActuatorFailure {
                throw ActuatorFailure.retriable("CONNECTION", "region eu10 unreachable");
            }

            @Override
            public DrainResult drain(String a, String f, String t, Duration w) {
                throw new AssertionError();
            }

            @Override
            public ReplicationStatus promote(String a, String r, long e, boolean f, Duration w) {
                throw new AssertionError();
            }

            @Override
            public ReplicationStatus reprotect(String a, String f, String t, long e) {
                throw new AssertionError();
            }

            @Override
            public FenceResult fence(String a, String r, long e, Duration w) {
                throw new AssertionError();
            }
        };
        CommandAck ack =
                new HanaSyncCommandHandler(broken, Clock.fixed(NOW, ZoneOffset.UTC)).handle(promote(1, "us10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("CONNECTION");
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
    }

    @Test
    void commandPastItsDeadlineIsNotExecuted() {
        DataPromoteCommand late =
                new DataPromoteCommand("p", "orders", NOW, 1, new StepRef("d-1", 1, 1, 1, NOW.minusSeconds(1)), "us10");
        CommandAck ack = handler.handle(late);
        assertThat(ack.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
        assertThat(memory.changes("orders")).isZero();
    }
}
