package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.topology.StepStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An automatic failover's graceful try drains at most {@code failover-drain-max-backlog}: its drain command
 * carries the bound, the data actuator refuses a larger backlog at once ({@code BACKLOG_TOO_LARGE}), and the
 * plan falls back to forced then rather than after {@code failover-drain-within}. Switches an operator asks
 * for, and policies without the setting, send drains without a bound.
 */
class DrainBacklogBoundTest {

    static final Duration WITHIN = Duration.ofSeconds(30);
    static final long BOUND = 512L * 1024 * 1024;

    final CoreHarness h = new CoreHarness(
            CoreHarness.policy().withFailoverDrainWithin(WITHIN).withFailoverDrainMaxBacklogBytes(BOUND));

    @Test
    void anAutomaticFailoverWhoseDrainFindsTooLargeABacklogFallsBackToForcedAtOnceAndSaysWhy() {
        // given an automatic failover on its graceful try, the old broker demoted
        FailoverDecision decision = h.failOver();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
        DataDrainCommand drain = (DataDrainCommand) h.lastOf(StepAction.DATA_DRAIN);
        assertThat(drain.maxBacklogBytes()).isEqualTo(BOUND);

        // when hana-sync measures a larger backlog and refuses the drain
        Instant refusedAt = h.now;
        List<MrmEvent> out = h.feed(Acks.of(
                drain,
                AckOutcome.FAILED_FATAL,
                DataDrainCommand.BACKLOG_TOO_LARGE,
                "the backlog of eu10 -> us10 is 1073741824 bytes, more than the drain's bound of " + BOUND
                        + " bytes: nothing was drained or changed",
                40,
                Map.of("backlogBytes", "1073741824", "maxBacklogBytes", Long.toString(BOUND)),
                h.now,
                null));

        // then the plan falls back to forced at once, not after the time bound, and says the backlog was why
        Alert fellBack = CoreHarness.of(out, Alert.class).stream()
                .filter(a -> a.code().equals("FAILOVER_FELL_BACK"))
                .findFirst()
                .orElseThrow();
        assertThat(fellBack.decisionId()).isEqualTo(decision.id());
        assertThat(fellBack.message())
                .contains("the backlog on eu10 is larger than failover-drain-max-backlog (" + BOUND + " bytes)")
                .contains("BACKLOG_TOO_LARGE")
                .contains("1073741824 bytes");
        DataPromoteCommand promote = CoreHarness.one(out, DataPromoteCommand.class);
        assertThat(promote.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(Duration.between(refusedAt, promote.time())).isLessThan(Duration.ofSeconds(1)); // the answer's step
        assertThat(promote.time()).isBefore(decision.time().plus(WITHIN));
        assertThat(h.state.run().steps().get(1).status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(CoreHarness.alertCodes(out)).doesNotContain("PLAN_PAUSED");

        h.completePlan();
        assertThat(h.state.activeRegion()).isEqualTo("us10");
        assertThat(CoreHarness.alertCodes(h.all))
                .contains("FAILOVER_FORCED")
                .doesNotContain("PLAN_PAUSED", "FAILOVER_DRAINED");
    }

    @Test
    void aDrainWithinTheBoundStaysGracefulAndEachAttemptCarriesTheBound() {
        h.failOver();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
        h.ack(h.lastOf(StepAction.DATA_DRAIN), AckOutcome.FAILED_RETRIABLE); // e.g. DRAIN_TIMEOUT: retried
        h.tick(Duration.ofSeconds(3));
        DataDrainCommand second = (DataDrainCommand) h.lastOf(StepAction.DATA_DRAIN);
        assertThat(second.step().attempt()).isEqualTo(2);
        assertThat(second.maxBacklogBytes()).isEqualTo(BOUND);

        h.completePlan();

        assertThat(CoreHarness.alertCodes(h.all)).contains("FAILOVER_DRAINED").doesNotContain("FAILOVER_FELL_BACK");
    }

    @Test
    void aSwitchoverAnOperatorAsksForDrainsWithoutABound() {
        h.bothUp();

        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                "m-1", "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned switchover"));

        assertThat(CoreHarness.one(out, FailoverDecision.class).drainsFirst()).isFalse();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
        DataDrainCommand drain = (DataDrainCommand) h.lastOf(StepAction.DATA_DRAIN);
        assertThat(drain.maxBacklogBytes()).isNull();
        assertThat(json(drain)).doesNotContain("maxBacklogBytes");
    }

    @Test
    void aPolicyWithoutTheSettingSendsDrainsWithoutTheField() {
        h.use(CoreHarness.policy().withFailoverDrainWithin(WITHIN));
        assertThat(h.policy.failoverDrainMaxBacklogBytes()).isNull();
        h.failOver();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);

        StepCommand drain = h.lastOf(StepAction.DATA_DRAIN);

        assertThat(((DataDrainCommand) drain).maxBacklogBytes()).isNull();
        assertThat(json(drain)).doesNotContain("maxBacklogBytes");
    }

    private static String json(MrmEvent event) {
        return new String(EventJson.write(event), StandardCharsets.UTF_8);
    }
}
