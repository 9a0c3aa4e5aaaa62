package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecisionCoreTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final ApplicationPolicy POLICY = new ApplicationPolicy("orders", "eu10", "us10", Set.of("app"), 2, 3,
            List.of(StepAction.DATA_DRAIN, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY), Duration.ofSeconds(30), 2);

    final DecisionCore core = new DecisionCore(Map.of("orders", POLICY));
    ApplicationState state;
    Instant now = T0;
    int seq;

    List<MrmEvent> feed(MrmEvent input) {
        now = now.plusSeconds(1);
        StepResult result = core.step(state, input, now);
        state = result.state();
        return result.outputs();
    }

    HealthObservation obs(String vantage, String region, HealthStatus status) {
        return new HealthObservation("obs-" + ++seq, "orders", now, 1, region, "app", ProbeKind.HTTP, vantage, status,
                3L, null);
    }

    @Test
    void aSingleVantagePointSeeingTheRegionDownDoesNotFailOver() {
        for (int i = 0; i < 10; i++) {
            assertThat(feed(obs("vantage-1", "eu10", HealthStatus.DOWN))).isEmpty();
            assertThat(feed(obs("vantage-2", "eu10", HealthStatus.UP))).isEmpty();
        }
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(state.epoch()).isZero();
    }

    @Test
    void quorumOfConsecutiveFailuresDecidesAForcedFailoverThatSkipsStepsNeedingTheOldRegion() {
        feed(obs("vantage-1", "eu10", HealthStatus.DOWN));
        feed(obs("vantage-1", "eu10", HealthStatus.DOWN));
        feed(obs("vantage-1", "eu10", HealthStatus.DOWN));
        feed(obs("vantage-2", "eu10", HealthStatus.DOWN));
        feed(obs("vantage-2", "eu10", HealthStatus.DOWN));
        List<MrmEvent> out = feed(obs("vantage-2", "eu10", HealthStatus.DOWN));

        FailoverDecision decision = (FailoverDecision) out.get(0);
        assertThat(decision.epoch()).isEqualTo(1);
        assertThat(decision.fromRegion()).isEqualTo("eu10");
        assertThat(decision.plan()).extracting(p -> p.action()).containsExactly(StepAction.DNS_ROUTE,
                StepAction.DNS_VERIFY);
        assertThat(decision.evidence()).hasSize(2);
        assertThat(out.get(1)).isInstanceOf(DnsRouteCommand.class);
        assertThat(((StepCommand) out.get(1)).step().epoch()).isEqualTo(1);
        assertThat(((StepCommand) out.get(1)).step().deadline()).isEqualTo(now.plusSeconds(30));
        assertThat(((TopologyState) out.get(2)).phase()).isEqualTo(Phase.SWITCHING);
        // More DOWN observations while switching do not decide again.
        assertThat(feed(obs("vantage-1", "eu10", HealthStatus.DOWN))).isEmpty();
    }

    @Test
    void aSuccessInBetweenResetsTheConsecutiveCount() {
        for (String vantage : List.of("vantage-1", "vantage-2")) {
            feed(obs(vantage, "eu10", HealthStatus.DOWN));
            feed(obs(vantage, "eu10", HealthStatus.DOWN));
            feed(obs(vantage, "eu10", HealthStatus.UP));
            feed(obs(vantage, "eu10", HealthStatus.DOWN));
        }
        assertThat(state.epoch()).isZero();
    }

    @Test
    void bothRegionsDownRaisesAnAlertInsteadOfFailingOver() {
        for (int i = 0; i < 3; i++) {
            for (String vantage : List.of("vantage-1", "vantage-2")) {
                feed(obs(vantage, "us10", HealthStatus.DOWN));
            }
        }
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String vantage : List.of("vantage-1", "vantage-2")) {
                out.addAll(feed(obs(vantage, "eu10", HealthStatus.DOWN)));
            }
        }
        assertThat(out).singleElement().isInstanceOfSatisfying(Alert.class,
                alert -> assertThat(alert.code()).isEqualTo("BOTH_REGIONS_DOWN"));
        assertThat(state.epoch()).isZero();
    }

    @Test
    void acksAdvanceThePlanAndTheLastOneSwitchesTheActiveRegion() {
        StepCommand route = failOver();
        List<MrmEvent> out = feed(Acks.of(route, AckOutcome.SUCCEEDED, null, "routed", 5, Map.of(), now));
        StepCommand verify = (StepCommand) out.get(0);
        assertThat(verify).isInstanceOf(DnsVerifyCommand.class);
        assertThat(verify.step().stepIndex()).isEqualTo(1);

        // A duplicate of the first ack changes nothing.
        assertThat(feed(Acks.of(route, AckOutcome.SUCCEEDED, null, "routed", 5, Map.of(), now))).isEmpty();

        out = feed(Acks.of(verify, AckOutcome.SUCCEEDED, null, "answers us10", 5, Map.of(), now));
        TopologyState topology = (TopologyState) out.get(0);
        assertThat(topology.phase()).isEqualTo(Phase.STEADY);
        assertThat(topology.activeRegion()).isEqualTo("us10");
        assertThat(topology.standbyRegion()).isEqualTo("eu10");
        assertThat(topology.planSteps()).extracting(s -> s.status()).containsExactly(StepStatus.SUCCEEDED,
                StepStatus.SUCCEEDED);
    }

    @Test
    void aRetriableFailureIsRetriedThenThePlanPausesWithAnAlert() {
        StepCommand route = failOver();
        List<MrmEvent> out = feed(Acks.of(route, AckOutcome.FAILED_RETRIABLE, "Throttling", "slow down", 5, Map.of(),
                now));
        StepCommand retry = (StepCommand) out.get(0);
        assertThat(retry.step().attempt()).isEqualTo(2);
        out = feed(Acks.of(retry, AckOutcome.FAILED_RETRIABLE, "Throttling", "slow down", 5, Map.of(), now));
        assertThat(state.phase()).isEqualTo(Phase.PAUSED);
        assertThat(out).filteredOn(Alert.class::isInstance).singleElement()
                .satisfies(alert -> assertThat(((Alert) alert).code()).isEqualTo("PLAN_PAUSED"));
        assertThat(state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void replayingTheSameInputsAtTheSameTimesGivesTheSameOutputs() {
        List<MrmEvent> inputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inputs.add(obs("vantage-1", "eu10", HealthStatus.DOWN));
            inputs.add(obs("vantage-2", "eu10", HealthStatus.DOWN));
        }
        List<MrmEvent> first = run(inputs);
        List<MrmEvent> second = run(inputs);
        assertThat(first).isNotEmpty().isEqualTo(second);
    }

    @Test
    void operatorRequestsAreAnsweredNotSilentlyDropped() {
        List<MrmEvent> out = feed(new FreezeRequest("req-1", "orders", now, 1, "alice@example.com", "maintenance"));
        assertThat(out).singleElement().isInstanceOfSatisfying(RequestOutcome.class, outcome -> {
            assertThat(outcome.accepted()).isFalse();
            assertThat(outcome.requestId()).isEqualTo("req-1");
        });
    }

    @Test
    void unknownApplicationIsRefused() {
        HealthObservation other = new HealthObservation("x", "billing", now, 1, "eu10", "app", ProbeKind.HTTP,
                "vantage-1", HealthStatus.DOWN, null, null);
        assertThatThrownBy(() -> core.step(null, other, now)).isInstanceOf(UnknownApplicationException.class)
                .hasMessageContaining("billing");
    }

    private List<MrmEvent> run(List<MrmEvent> inputs) {
        ApplicationState s = null;
        List<MrmEvent> outputs = new ArrayList<>();
        Instant t = T0;
        for (MrmEvent input : inputs) {
            t = t.plusSeconds(1);
            StepResult result = core.step(s, input, t);
            s = result.state();
            outputs.addAll(result.outputs());
        }
        return outputs;
    }

    private StepCommand failOver() {
        List<MrmEvent> out = List.of();
        for (int i = 0; i < 3; i++) {
            feed(obs("vantage-1", "eu10", HealthStatus.DOWN));
            out = feed(obs("vantage-2", "eu10", HealthStatus.DOWN));
        }
        return (StepCommand) out.get(1);
    }
}
