package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What bus authentication does not stop by itself: records that verify (genuinely signed by their
 * writer) but are replayed, or signed by one actuator for another actuator's step. The signature says
 * who wrote a record; the core must still decide whether that writer's word counts for this input.
 */
class BusReplayReviewTest {

    private final CoreHarness h = new CoreHarness(CoreHarness.policy());

    /**
     * A compromised hana-sync (its key and Kafka credentials) signs an ack that names itself, as the
     * signature check demands, but points at the DNS route step: the ack verifies, and unless the core
     * checks that the ack's action is the step's, it completes a step hana-sync never ran.
     */
    @Test
    void anAckSignedByOneActuatorDoesNotCompleteAnotherActuatorsStep() {
        h.failOver();
        h.answerForcedPlan(AckOutcome.SUCCEEDED, AckOutcome.SUCCEEDED, AckOutcome.SUCCEEDED, AckOutcome.SUCCEEDED);
        StepCommand route = h.lastOf(StepAction.DNS_ROUTE);
        int index = route.step().stepIndex();
        assertThat(h.state.run().steps().get(index).status()).isEqualTo(StepStatus.RUNNING);

        CommandAck forged = new CommandAck(
                "forged-ack-1",
                route.applicationId(),
                h.now,
                CommandAck.SCHEMA_VERSION,
                route.id(),
                route.step(),
                Actuator.HANA,
                StepAction.DATA_PROMOTE,
                AckOutcome.SUCCEEDED,
                null,
                "hana-sync says the DNS route is done",
                1,
                Map.of(),
                null);
        h.feed(forged);

        assertThat(h.state.run().steps().get(index).status())
                .as("the route step after hana-sync's ack for it")
                .isEqualTo(StepStatus.RUNNING);
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);

        // dns-actuator's own answer still completes it
        h.ack(route, AckOutcome.SUCCEEDED);
        assertThat(h.state.run().steps().get(index).status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    /**
     * The same with a failure: hana-sync's FAILED_FATAL for the DNS route step must not fail it (and
     * pause the plan).
     */
    @Test
    void anotherActuatorsFailureDoesNotFailAStep() {
        h.failOver();
        h.answerForcedPlan(AckOutcome.SUCCEEDED, AckOutcome.SUCCEEDED, AckOutcome.SUCCEEDED, AckOutcome.SUCCEEDED);
        StepCommand route = h.lastOf(StepAction.DNS_ROUTE);
        int index = route.step().stepIndex();

        h.feed(new CommandAck(
                "forged-ack-2",
                route.applicationId(),
                h.now,
                CommandAck.SCHEMA_VERSION,
                route.id(),
                route.step(),
                Actuator.HANA,
                StepAction.DATA_PROMOTE,
                AckOutcome.FAILED_FATAL,
                "X",
                "no",
                1,
                Map.of(),
                null));

        assertThat(h.state.run().steps().get(index).status()).isEqualTo(StepStatus.RUNNING);
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
    }

    /**
     * Replayed observations: the core drops a report of the same monitor run whose number is not above
     * the last one counted, but a report of another run always counts. Someone who can write to the
     * observations topic, holding two genuinely signed DOWN reports of each of two vantages from two
     * earlier runs of their monitors (from last week's incident, or one restart apart: the topic keeps
     * them seven days and the decoder accepts them), replays them alternately: each switches the run, so
     * each counts as another failure, the counter passes the failure threshold, and the vantage's next
     * genuine UP report makes the counter fresh while the hysteresis keeps it down. Two vantages so
     * replayed are a quorum: a failover out of a healthy region.
     */
    @Test
    void replayingOldRunsReportsAlternatelyDoesNotMakeAHealthyRegionDown() {
        h.bothUp();
        Instant lastWeek = CoreHarness.T0.minus(Duration.ofDays(6));
        List<MrmEvent> out = new ArrayList<>();
        for (String vantage : List.of("vantage-1", "vantage-2")) {
            HealthObservation a = old(vantage, "old-run-a", 41, lastWeek);
            HealthObservation b = old(vantage, "old-run-b", 7, lastWeek.plusSeconds(3600));
            for (int i = 0; i < 3; i++) {
                out.addAll(h.feed(a));
                out.addAll(h.feed(b));
            }
        }
        // the monitors keep reporting eu10 up, as it is
        out.addAll(h.report("eu10", HealthStatus.UP, 1, CoreHarness.VANTAGES));
        out.addAll(h.report("us10", HealthStatus.UP, 1, CoreHarness.VANTAGES));

        assertThat(of(out, FailoverDecision.class))
                .as("decisions after replayed week-old reports")
                .isEmpty();
        assertThat(HealthAssessment.health(new WorkingState(h.policy, h.state, h.now), "eu10"))
                .isNotEqualTo(RegionHealth.DOWN);
    }

    /** A monitor restarted (a new run) is still heard: its first reports count at once. */
    @Test
    void aRestartedMonitorsNewRunStillCounts() {
        h.bothUp();
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            for (String vantage : CoreHarness.VANTAGES) {
                out.addAll(h.feed(new HealthObservation(
                        "new-" + vantage + "-" + i,
                        h.policy.applicationId(),
                        h.now.plusMillis(100),
                        1,
                        "eu10",
                        "app",
                        ProbeKind.HTTP,
                        vantage,
                        HealthStatus.DOWN,
                        3L,
                        "HTTP 503",
                        null,
                        "new-run-" + vantage,
                        (long) i)));
            }
        }
        assertThat(of(out, FailoverDecision.class)).hasSize(1);
    }

    private HealthObservation old(String vantage, String run, long number, Instant at) {
        return new HealthObservation(
                run + "-" + vantage + "-" + number,
                h.policy.applicationId(),
                at,
                1,
                "eu10",
                "app",
                ProbeKind.HTTP,
                vantage,
                HealthStatus.DOWN,
                3L,
                "HTTP 503",
                null,
                run,
                number);
    }
}
