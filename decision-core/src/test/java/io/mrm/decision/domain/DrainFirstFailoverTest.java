package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An automatic failover drains when it can: the region it leaves may have lost only its application
 * tier while its database and broker still answer. The plan then tries the graceful path (old broker
 * demoted, old database drained, a graceful promote that fences and drains it) within the policy's
 * {@code failover-drain-within}, and falls back to forced — never to a pause — when that cannot complete
 * in time. The decision states the bound; the completion says which path was taken and what was left behind.
 */
class DrainFirstFailoverTest {

    static final Duration WITHIN = Duration.ofSeconds(30);

    final CoreHarness h = new CoreHarness(CoreHarness.policy().withFailoverDrainWithin(WITHIN));

    static List<DataPromoteCommand> promotes(List<MrmEvent> events) {
        return CoreHarness.of(events, DataPromoteCommand.class);
    }

    private StepStatus status(int index) {
        return h.state.run().steps().get(index).status();
    }

    private StepAction action(int index) {
        return h.state.run().steps().get(index).action();
    }

    @Test
    void theDecisionPlansTheGracefulPathFirstAndSaysForHowLong() {
        FailoverDecision decision = h.failOver();

        assertThat(decision.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(decision.drainWithinMs()).isEqualTo(WITHIN.toMillis());
        assertThat(decision.plan())
                .extracting(p -> p.action() + (p.bestEffort() ? "*" : ""))
                .containsExactly(
                        "EVENTS_SET_STANDBY",
                        "DATA_DRAIN",
                        "DATA_PROMOTE",
                        "DATA_FENCE*",
                        "EVENTS_SET_ACTIVE",
                        "EVENTS_SET_STANDBY*",
                        "DNS_ROUTE",
                        "DNS_VERIFY");
        // the first command demotes the old broker, under the graceful try's bound
        StepCommand first = h.lastOf(StepAction.EVENTS_SET_STANDBY);
        assertThat(first.step().deadline()).isEqualTo(decision.time().plus(WITHIN));
    }

    @Test
    void anOldRegionThatStillAnswersIsDrainedAndTheCompletionSaysNothingWasLeftBehind() {
        FailoverDecision decision = h.failOver();
        h.completePlan();

        assertThat(promotes(h.all)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.GRACEFUL);
        assertThat(h.state.activeRegion()).isEqualTo("us10");
        List<String> codes = CoreHarness.alertCodes(h.all);
        assertThat(codes)
                .contains("FAILOVER_DRAINED")
                .doesNotContain("FAILOVER_FELL_BACK", "FAILOVER_FORCED", "PLAN_PAUSED");
        Alert done = CoreHarness.of(h.all, Alert.class).stream()
                .filter(a -> a.code().equals("FAILOVER_DRAINED"))
                .findFirst()
                .orElseThrow();
        assertThat(done.decisionId()).isEqualTo(decision.id());
        assertThat(done.message())
                .contains("graceful path")
                .contains("old broker demoted before the new one took over");
    }

    @Test
    void anOldRegionThatDoesNotAnswerCostsTheBoundAndNoMoreThenTheFailoverGoesOnForced() {
        FailoverDecision decision = h.failOver();
        // eu10's broker never answers: the engine waits for the bound, not for the step's own timeout
        List<MrmEvent> before = h.tick(WITHIN.minusSeconds(1));
        assertThat(promotes(before)).isEmpty();
        List<MrmEvent> after = h.tick(Duration.ofSeconds(2));

        assertThat(CoreHarness.alertCodes(after)).contains("FAILOVER_FELL_BACK");
        assertThat(promotes(after)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.FORCED);
        assertThat(h.state.run().fellBack()).isTrue();
        assertThat(status(0)).isEqualTo(StepStatus.SKIPPED);
        assertThat(status(1)).isEqualTo(StepStatus.SKIPPED);
        assertThat(h.state.run().steps().get(0).detail()).startsWith("fell back to forced");

        h.completePlan();
        assertThat(h.state.activeRegion()).isEqualTo("us10");
        assertThat(CoreHarness.alertCodes(h.all))
                .contains("FAILOVER_FORCED")
                .doesNotContain("FAILOVER_DRAINED", "PLAN_PAUSED");
        assertThat(promotes(h.all)).allMatch(p -> p.mode() == FailoverMode.FORCED);
        // the forced path fences what it left, beside the plan
        assertThat(CoreHarness.of(h.all, StepCommand.class))
                .filteredOn(c -> c.action() == StepAction.DATA_FENCE)
                .isNotEmpty()
                .allMatch(c -> c.step().decisionId().equals(decision.id()));
    }

    @Test
    void aRefusalThatCannotChangeFallsBackAtOnceWithoutWaitingForTheBound() {
        h.failOver();
        Instant refusedAt = h.now;
        List<MrmEvent> answer = h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.FAILED_FATAL);

        assertThat(CoreHarness.alertCodes(answer)).contains("FAILOVER_FELL_BACK");
        DataPromoteCommand promote = promotes(answer).get(0);
        assertThat(promote.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(Duration.between(refusedAt, promote.time())).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aPassingBlipIsRetriedWithinTheBoundAndStaysGraceful() {
        h.failOver();
        List<MrmEvent> failed = h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.FAILED_RETRIABLE);
        assertThat(CoreHarness.alertCodes(failed)).doesNotContain("FAILOVER_FELL_BACK");
        h.tick(Duration.ofSeconds(3)); // the policy's 2 s backoff
        assertThat(h.lastOf(StepAction.EVENTS_SET_STANDBY).step().attempt()).isEqualTo(2);
        h.completePlan();

        assertThat(promotes(h.all)).allMatch(p -> p.mode() == FailoverMode.GRACEFUL);
        assertThat(CoreHarness.alertCodes(h.all)).contains("FAILOVER_DRAINED").doesNotContain("FAILOVER_FELL_BACK");
    }

    @Test
    void aGracefulPromoteThatCannotFenceTheOldPrimaryIsRetriedForcedInsteadOfPausingThePlan() {
        h.failOver();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
        h.ack(h.lastOf(StepAction.DATA_DRAIN), AckOutcome.SUCCEEDED);
        // then eu10's database stops answering: the graceful promote will not open us10 beside it
        for (int guard = 0; guard < 20 && !h.state.run().fellBack(); guard++) {
            DataPromoteCommand promote = promotes(h.all).get(promotes(h.all).size() - 1);
            if (promote.mode() == FailoverMode.GRACEFUL
                    && h.state.run().steps().get(2).attempts() == promote.step().attempt()
                    && h.state.run().timers().get(2).attemptDeadline() != null) {
                h.ack(promote, AckOutcome.FAILED_RETRIABLE);
            }
            h.tick(Duration.ofSeconds(2));
        }
        assertThat(h.state.run().fellBack()).isTrue();
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        DataPromoteCommand forced = promotes(h.all).get(promotes(h.all).size() - 1);
        assertThat(forced.mode()).isEqualTo(FailoverMode.FORCED);
        // the source steps had succeeded: they stay so
        assertThat(status(0)).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(status(1)).isEqualTo(StepStatus.SUCCEEDED);

        h.completePlan();
        assertThat(CoreHarness.alertCodes(h.all))
                .contains("FAILOVER_FELL_BACK", "FAILOVER_FORCED")
                .doesNotContain("PLAN_PAUSED");
    }

    @Test
    void aGracefulPromoteInFlightAtTheBoundIsFollowedAtOnceByAForcedOne() {
        h.failOver();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
        h.ack(h.lastOf(StepAction.DATA_DRAIN), AckOutcome.SUCCEEDED);
        DataPromoteCommand graceful = promotes(h.all).get(0);
        // its deadline is the bound: the actuator gives up the graceful promote then too
        assertThat(graceful.step().deadline())
                .isEqualTo(h.state.run().decision().time().plus(WITHIN));
        List<MrmEvent> atBound =
                h.tick(Duration.between(h.now, graceful.step().deadline()).plusMillis(1));
        assertThat(h.state.run().fellBack()).isTrue();
        assertThat(promotes(atBound))
                .hasSize(1)
                .allMatch(p -> p.mode() == FailoverMode.FORCED && p.step().attempt() == 2);
        // the graceful attempt's late refusal no longer moves the plan
        h.ack(graceful, AckOutcome.FAILED_FATAL);
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        assertThat(CoreHarness.alertCodes(h.all)).doesNotContain("PLAN_PAUSED");
    }

    @Test
    void aStaleRefusalStillPausesTheNewerEpochIsSomeoneElsesNotAReasonToForce() {
        h.failOver();
        List<MrmEvent> answer = h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.REJECTED_STALE, 9L);

        assertThat(CoreHarness.alertCodes(answer)).contains("STALE_EPOCH").doesNotContain("FAILOVER_FELL_BACK");
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
        assertThat(promotes(answer)).isEmpty();
    }

    @Test
    void withNoBoundTheAutomaticFailoverIsForcedAtOnceAsBefore() {
        h.use(CoreHarness.policy());
        FailoverDecision decision = h.failOver();

        assertThat(decision.drainWithinMs()).isNull();
        assertThat(decision.plan()).extracting(p -> p.action()).doesNotContain(StepAction.DATA_DRAIN);
        assertThat(promotes(h.all)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    @Test
    void anOperatorsForcedFailoverIsNotDrainedFirst() {
        h.bothUp();
        h.feed(new io.mrm.events.operator.ManualFailoverRequest(
                java.util.UUID.randomUUID().toString(),
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.FORCED,
                List.of(io.mrm.events.operator.SafetyRule.SOURCE_DOWN),
                "break-glass"));
        FailoverDecision decision = h.state.run().decision();

        assertThat(decision.drainWithinMs()).isNull();
        assertThat(action(0)).isEqualTo(StepAction.DATA_PROMOTE);
    }
}
