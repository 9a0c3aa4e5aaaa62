package io.mrm.events.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The shared rehearsal: which outcome each check status gives, that the checks asked are those of the
 * command's step towards its target, the measured time (on an injected clock), and the bound (a checker
 * that never returns, held on a latch that is never released).
 */
class RehearsalTest {

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    /** A clock only the checks move. */
    static final class ManualClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(NOW);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    /** Answers what {@code checks} says for each (region, action) asked, and records what was asked. */
    static final class Checker implements ReadinessChecker {
        final Function<String, List<ReadinessCheck>> checks;
        final List<String> asked = new ArrayList<>();

        Checker(Function<String, List<ReadinessCheck>> checks) {
            this.checks = checks;
        }

        @Override
        public Actuator actuator() {
            return Actuator.DNS;
        }

        @Override
        public List<String> applications() {
            return List.of("shop");
        }

        @Override
        public List<String> regions(String applicationId) {
            return List.of("region-a", "region-b");
        }

        @Override
        public List<ReadinessCheck> check(String applicationId) {
            throw new AssertionError("a rehearsal asks for one step's checks only");
        }

        @Override
        public List<ReadinessCheck> check(String applicationId, String region, StepAction action) {
            asked.add(region + "/" + action);
            return checks.apply(region);
        }
    }

    static ReadinessCheck check(String name, ReadinessStatus status, String reason) {
        return new ReadinessCheck("region-b", StepAction.DNS_ROUTE, name, status, reason, NOW, 40);
    }

    static DnsRouteCommand rehearsal(Duration toDeadline) {
        return new DnsRouteCommand(
                "c-1", "shop", NOW, 1, new StepRef("d-1", 9, 4, 1, NOW.plus(toDeadline), true), "region-b");
    }

    final ManualClock clock = new ManualClock();

    Rehearsal rehearsal(ReadinessChecker checker, Duration bound) {
        return new Rehearsal(checker, clock, bound, Duration.ofMillis(500));
    }

    @Test
    void everyCheckReadyIsSucceededWithTheSentenceTheMeasuredTimeAndEachChecksTime() {
        Checker checker = new Checker(region -> {
            clock.now.updateAndGet(t -> t.plusMillis(1_500));
            return List.of(
                    check("zone", ReadinessStatus.READY, "zone Z1"),
                    check("permission", ReadinessStatus.READY, "may update"));
        });

        CommandAck ack = rehearsal(checker, Duration.ofSeconds(20))
                .run(
                        rehearsal(Duration.ofSeconds(60)),
                        "region-b",
                        checks -> "would route (" + Rehearsal.seen(checks) + ")",
                        3);

        assertThat(checker.asked).containsExactly("region-b/DNS_ROUTE");
        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail()).isEqualTo("would route (zone Z1; may update)");
        assertThat(ack.durationMs())
                .as("the measured time of the read-only parts")
                .isEqualTo(1_500);
        assertThat(ack.fenceEpoch()).isEqualTo(3);
        assertThat(ack.observed())
                .containsEntry("rehearsal", "true")
                .containsEntry("changed", "false")
                .containsEntry("checkedRegion", "region-b")
                .containsEntry("check.zone", "READY")
                .containsEntry("ms.zone", "40")
                .containsEntry("ms.permission", "40");
    }

    @Test
    void aNotReadyCheckIsFatalWithItsReasonEvenBesideAnUnknownOne() {
        Checker checker = new Checker(region -> List.of(
                check("zone", ReadinessStatus.UNKNOWN, "timed out"),
                check("permission", ReadinessStatus.NOT_READY, "REFUSED: grant the key")));

        CommandAck ack = rehearsal(checker, Duration.ofSeconds(20))
                .run(rehearsal(Duration.ofSeconds(60)), "region-b", checks -> "never said", 0);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.NOT_READY);
        assertThat(ack.detail()).isEqualTo("would fail: permission: REFUSED: grant the key");
    }

    @Test
    void anUnknownCheckIsRetriableWithItsReason() {
        Checker checker = new Checker(region -> List.of(
                check("zone", ReadinessStatus.READY, "zone Z1"),
                check("resolver", ReadinessStatus.UNKNOWN, "no answer")));

        CommandAck ack = rehearsal(checker, Duration.ofSeconds(20))
                .run(rehearsal(Duration.ofSeconds(60)), "region-b", checks -> "never said", 0);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.UNKNOWN);
        assertThat(ack.detail()).isEqualTo("could not tell: resolver: no answer");
    }

    @Test
    void noCheckAtAllIsRetriableNotSucceeded() {
        CommandAck ack = rehearsal(new Checker(region -> List.of()), Duration.ofSeconds(20))
                .run(rehearsal(Duration.ofSeconds(60)), "region-b", checks -> "never said", 0);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.NO_CHECKS);
    }

    @Test
    void aFailureWhileSayingWhatItWouldDoIsAcknowledgedWithItsOwnOutcome() {
        Checker checker = new Checker(region -> List.of(check("zone", ReadinessStatus.READY, "zone Z1")));

        CommandAck ack = rehearsal(checker, Duration.ofSeconds(20))
                .run(
                        rehearsal(Duration.ofSeconds(60)),
                        "region-b",
                        checks -> {
                            throw ActuatorFailure.fatal("BACKLOG_TOO_LARGE", "would refuse: backlog 9 bytes");
                        },
                        0);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("BACKLOG_TOO_LARGE");
    }

    @Test
    void checksThatNeverReturnAreLeftBehindAtTheBoundAsRetriable() {
        CountDownLatch never = new CountDownLatch(1);
        Checker checker = new Checker(region -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        });

        // the bound is short on purpose; the preemptive limit only catches a rehearsal that waits forever
        CommandAck ack = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> rehearsal(checker, Duration.ofMillis(200))
                        .run(rehearsal(Duration.ofSeconds(60)), "region-b", checks -> "never said", 0));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.TIMED_OUT);
        assertThat(ack.detail()).contains("did not end within 200 ms");
    }

    @Test
    void aDeadlineCloserThanTheAckMarginRunsNoCheck() {
        AtomicInteger calls = new AtomicInteger();
        Checker checker = new Checker(region -> {
            calls.incrementAndGet();
            return List.of();
        });

        CommandAck ack = rehearsal(checker, Duration.ofSeconds(20))
                .run(rehearsal(Duration.ofMillis(400)), "region-b", checks -> "never said", 0);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.TIMED_OUT);
        assertThat(calls).hasValue(0);
    }

    @Test
    void theStepsDeadlineBoundsTheChecksWhenItComesBeforeTheReadinessTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        Checker checker = new Checker(region -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        });

        CommandAck ack = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> rehearsal(checker, Duration.ofSeconds(600))
                        .run(rehearsal(Duration.ofMillis(800)), "region-b", checks -> "never said", 0));

        assertThat(ack.errorCode()).isEqualTo(Rehearsal.TIMED_OUT);
        assertThat(ack.detail()).contains("did not end within 300 ms");
    }

    @Test
    void theOtherRegionIsTheTargetOfASwitchThatLeavesOne() {
        Rehearsal rehearsal = rehearsal(new Checker(region -> List.of()), Duration.ofSeconds(20));

        assertThat(rehearsal.otherRegion("shop", "region-a")).isEqualTo("region-b");
        assertThat(rehearsal.otherRegion("shop", "region-b")).isEqualTo("region-a");
    }
}
