package io.mrm.hana.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.adapter.InMemoryDataReplication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DATA_FENCE through the handler, on the in-memory backend and on backends that hang or break. */
class DataFenceCommandTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    final InMemoryDataReplication memory = new InMemoryDataReplication().replicating("orders", "eu10", "us10");
    final HanaSyncCommandHandler handler = new HanaSyncCommandHandler(memory, Clock.fixed(NOW, ZoneOffset.UTC));

    static DataFenceCommand fence(String id, long epoch, String region, Instant deadline) {
        return new DataFenceCommand(
                id,
                "orders",
                NOW,
                DataFenceCommand.SCHEMA_VERSION,
                new StepRef("d-" + epoch, epoch, 5, 1, deadline),
                region);
    }

    static DataFenceCommand fence(long epoch, String region) {
        return fence("fence-" + epoch + "-" + region, epoch, region, NOW.plusSeconds(10));
    }

    /** A forced promote: the failovers here leave a region that does not answer. */
    static DataPromoteCommand promote(long epoch, String region) {
        return new DataPromoteCommand(
                "promote-" + epoch,
                "orders",
                NOW,
                1,
                new StepRef("d-" + epoch, epoch, 0, 1, NOW.plusSeconds(30)),
                region,
                FailoverMode.FORCED);
    }

    /** A forced failover: eu10 does not answer, so promote cannot fence it. */
    void forcedFailoverToUs10(long epoch) {
        memory.reachable("orders", "eu10", false);
        assertThat(handler.handle(promote(epoch, "us10")).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(memory.fenced("orders", "eu10")).isFalse();
    }

    @Test
    void fenceOfTheRegionAForcedFailoverLeftClosesItOnceAndThenChangesNothing() {
        forcedFailoverToUs10(4);
        memory.reachable("orders", "eu10", true);

        CommandAck first = handler.handle(fence(4, "eu10"));
        CommandAck again = handler.handle(fence(4, "eu10"));

        assertThat(first.outcome()).as(first.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(first.action()).isEqualTo(StepAction.DATA_FENCE);
        assertThat(first.fenceEpoch()).isEqualTo(4L);
        assertThat(first.observed())
                .containsEntry("region", "eu10")
                .containsEntry("fenced", "true")
                .containsEntry("changed", "true")
                .containsEntry("fencingEpoch", "4");
        assertThat(first.detail())
                .isEqualTo("fenced eu10's database at epoch 4: the application can no longer write there");
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(again.fenceEpoch()).isEqualTo(4L);
        assertThat(memory.fenced("orders", "eu10")).isTrue();
        assertThat(memory.changes("orders")).isEqualTo(2); // the promote and one fence
    }

    @Test
    void anUnreachableRegionIsRetriableAndLeftUnfenced() {
        forcedFailoverToUs10(4);

        CommandAck ack = handler.handle(fence(4, "eu10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(FenceFailure.UNREACHABLE.name());
        assertThat(ack.fenceEpoch()).isEqualTo(4L);
        assertThat(memory.fenced("orders", "eu10")).isFalse();
    }

    @Test
    void fencingTheCurrentPrimaryIsRefusedAsFatal() {
        CommandAck ack = handler.handle(fence(1, "eu10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(FenceFailure.IS_PRIMARY.name());
        assertThat(ack.detail()).contains("only writable database");
        assertThat(memory.fenced("orders", "eu10")).isFalse();
    }

    @Test
    void aRegionThatIsNotTheApplicationsIsRefusedBeforeAnyChange() {
        CommandAck ack = handler.handle(fence(1, "ap10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(FenceFailure.UNKNOWN_REGION.name());
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
        assertThat(memory.changes("orders")).isZero();
    }

    @Test
    void aStaleFenceIsRefusedWithTheBackendsEpochEvenByAFreshActuator() {
        forcedFailoverToUs10(6);
        memory.reachable("orders", "eu10", true);
        // restarted: this instance never saw epoch 6, the backend's fencing table did
        HanaSyncCommandHandler fresh = new HanaSyncCommandHandler(memory, Clock.fixed(NOW, ZoneOffset.UTC));

        CommandAck stale = fresh.handle(fence(5, "eu10"));

        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo(DataStaleEpochException.CODE);
        assertThat(stale.fenceEpoch()).isEqualTo(6L);
        assertThat(memory.fenced("orders", "eu10")).isFalse();
    }

    @Test
    void aStaleFenceSeenByThisActuatorIsRefusedBeforeTheBackend() {
        forcedFailoverToUs10(6);

        CommandAck stale = handler.handle(fence(5, "eu10"));

        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("STALE_EPOCH");
        assertThat(stale.fenceEpoch()).isEqualTo(6L);
    }

    @Test
    void aFencePastItsDeadlineIsNotExecuted() {
        forcedFailoverToUs10(4);
        memory.reachable("orders", "eu10", true);

        CommandAck ack = handler.handle(fence("late", 4, "eu10", NOW.minusSeconds(1)));

        assertThat(ack.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(ack.fenceEpoch()).isEqualTo(4L);
        assertThat(memory.fenced("orders", "eu10")).isFalse();
    }

    @Test
    void aDatabaseThatNeverAnswersIsAnsweredRetriablyBeforeTheDeadline() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        DataReplication hanging = new FencingOnly() {
            @Override
            public FenceResult fence(String a, String r, long e, Duration within) throws ActuatorFailure {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS); // a black-holed host whose driver waits long
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                throw FenceFailure.UNREACHABLE.exception("too late", null);
            }
        };
        HanaSyncCommandHandler real = new HanaSyncCommandHandler(hanging, Clock.systemUTC());
        // roomy: the claim is "answered before the deadline although the backend never returns", which a
        // starved test thread must not break; the backend hangs for 60 s
        Instant deadline = Instant.now().plusSeconds(10);
        try {
            CommandAck ack = real.handle(new DataFenceCommand(
                    "f", "orders", Instant.now(), 1, new StepRef("d-4", 4, 5, 1, deadline), "eu10"));

            assertThat(entered.getCount()).isZero();
            assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(ack.errorCode()).isEqualTo(FenceFailure.TIMEOUT.name());
            assertThat(ack.fenceEpoch()).isEqualTo(4L);
            assertThat(ack.time()).isBefore(deadline);
        } finally {
            release.countDown();
        }
    }

    @Test
    void anUnexpectedFailureOfTheBackendStillBecomesAnAck() {
        DataReplication broken = new FencingOnly() {
            @Override
            public FenceResult fence(String a, String r, long e, Duration within) {
                throw new IllegalStateException("a defect");
            }
        };

        CommandAck ack = new HanaSyncCommandHandler(broken, Clock.fixed(NOW, ZoneOffset.UTC)).handle(fence(2, "eu10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("UNEXPECTED");
        assertThat(ack.detail()).contains("a defect");
        assertThat(ack.fenceEpoch()).isEqualTo(2L);
    }

    /** A backend whose only supported operation is the fence. */
    abstract static class FencingOnly implements DataReplication {
        @Override
        public ReplicationStatus status(String applicationId) {
            throw new AssertionError("a fence reads no status first");
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
    }
}
