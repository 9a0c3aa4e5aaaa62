package io.mrm.chaos.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-made histories: a two-step switch of {@code shop} from region-a to region-b (DNS route, DNS verify) that
 * went right, and the pieces to spoil it with.
 */
final class Histories {

    static final String APP = "shop";
    static final String A = "region-a";
    static final String B = "region-b";
    static final Instant T0 = Instant.parse("2026-12-07T05:00:00Z");
    static final String DECISION = "decision-1";

    final List<FailoverDecision> decisions = new ArrayList<>();
    final List<StepCommand> commands = new ArrayList<>();
    final List<CommandAck> acks = new ArrayList<>();
    final List<TopologyState> topology = new ArrayList<>();
    final List<HealthObservation> observations = new ArrayList<>();
    BackendState atRest = new BackendState(B, Set.of(B), Set.of(B));
    final Set<String> committed = new HashSet<>();
    RowLedger rows = RowLedger.NONE;

    /** A failover that went right: both steps commanded once, acknowledged once, the plan ended STEADY in B. */
    static Histories cleanFailover() {
        Histories h = new Histories();
        for (String vantage : List.of("v1", "v2", "v3")) {
            h.observations.add(observation(vantage, A, HealthStatus.DOWN, T0.minusSeconds(1)));
        }
        h.decisions.add(decision(DECISION, 2, T0));
        h.commands.add(command("cmd-0", 0, 1, 2));
        h.acks.add(ack("ack-0", "cmd-0", 0, 2, AckOutcome.SUCCEEDED, 2L, true));
        h.commands.add(command("cmd-1", 1, 1, 2));
        h.acks.add(ack("ack-1", "cmd-1", 1, 2, AckOutcome.SUCCEEDED, 2L, false));
        h.topology.add(topology(Phase.STEADY, B, 2, StepStatus.SUCCEEDED, 1));
        return h;
    }

    History history() {
        return new History(decisions, commands, acks, topology, observations, atRest, committed, rows);
    }

    static FailoverDecision decision(String id, long epoch, Instant time) {
        return new FailoverDecision(
                id,
                APP,
                time,
                FailoverDecision.SCHEMA_VERSION,
                epoch,
                DecisionKind.AUTOMATIC_FAILOVER,
                FailoverMode.GRACEFUL,
                DecisionStatus.EXECUTING,
                A,
                B,
                "region-a down for a quorum",
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(),
                List.of(
                        new PlanStep(0, StepAction.DNS_ROUTE, B, null, 10_000, 3, false),
                        new PlanStep(1, StepAction.DNS_VERIFY, B, null, 10_000, 3, false)));
    }

    static StepCommand command(String id, int step, int attempt, long epoch) {
        return new DnsRouteCommand(
                id, APP, T0.plusSeconds(step), 1, new StepRef(DECISION, epoch, step, attempt, T0.plusSeconds(60)), B);
    }

    /** Region B's database promoted as step {@code step}, in {@code mode}. */
    static DataPromoteCommand promote(String id, int step, FailoverMode mode) {
        return new DataPromoteCommand(
                id, APP, T0.plusSeconds(step), 1, new StepRef(DECISION, 2, step, 1, T0.plusSeconds(60)), B, mode);
    }

    static CommandAck promoted(String id, String commandId, int step) {
        return new CommandAck(
                id,
                APP,
                T0.plusSeconds(step),
                CommandAck.SCHEMA_VERSION,
                commandId,
                new StepRef(DECISION, 2, step, 1, T0.plusSeconds(60)),
                io.mrm.events.decision.Actuator.HANA,
                StepAction.DATA_PROMOTE,
                AckOutcome.SUCCEEDED,
                null,
                null,
                5,
                Map.of("changed", "true"),
                2L);
    }

    static CommandAck ack(
            String id, String commandId, int step, long epoch, AckOutcome outcome, Long fenceEpoch, boolean changed) {
        return new CommandAck(
                id,
                APP,
                T0.plusSeconds(step),
                CommandAck.SCHEMA_VERSION,
                commandId,
                new StepRef(DECISION, epoch, step, 1, T0.plusSeconds(60)),
                io.mrm.events.decision.Actuator.DNS,
                step == 0 ? StepAction.DNS_ROUTE : StepAction.DNS_VERIFY,
                outcome,
                null,
                null,
                5,
                Map.of("changed", Boolean.toString(changed)),
                fenceEpoch);
    }

    static TopologyState topology(Phase phase, String active, long epoch, StepStatus steps, int attempts) {
        return new TopologyState(
                "topology-" + phase + "-" + epoch,
                APP,
                T0.plusSeconds(5),
                TopologyState.SCHEMA_VERSION,
                epoch,
                active,
                active.equals(A) ? B : A,
                phase,
                false,
                null,
                DECISION,
                List.of(
                        new StepProgress(0, StepAction.DNS_ROUTE, B, steps, attempts, T0, T0, null),
                        new StepProgress(1, StepAction.DNS_VERIFY, B, steps, attempts, T0, T0, null)),
                null,
                List.of(),
                null,
                List.of(),
                List.of());
    }

    static HealthObservation observation(String vantage, String region, HealthStatus status, Instant time) {
        return new HealthObservation(
                "obs-" + vantage + "-" + time.toEpochMilli(),
                APP,
                time,
                HealthObservation.SCHEMA_VERSION,
                region,
                "db",
                ProbeKind.POSTGRES,
                vantage,
                status,
                3L,
                null,
                null,
                null,
                null);
    }
}
