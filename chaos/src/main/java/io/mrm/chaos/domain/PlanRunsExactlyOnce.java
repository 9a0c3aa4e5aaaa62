package io.mrm.chaos.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every switch's plan completes exactly once: the engine ends it STEADY; each step either succeeded (an
 * acknowledgement says so) or is recorded as skipped; no attempt of a step was issued as two different commands (a
 * second engine repeating the first's work); no step took effect twice (two successful acknowledgements both saying
 * they changed the target).
 */
public final class PlanRunsExactlyOnce implements Invariant {

    @Override
    public String name() {
        return "plan runs exactly once";
    }

    @Override
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        for (FailoverDecision decision : history.switches()) {
            checkCompleted(history, decision, violations);
            checkIssuedOnce(history, decision, violations);
            checkEffectOnce(history, decision, violations);
        }
        return violations;
    }

    private void checkCompleted(History history, FailoverDecision decision, List<Violation> violations) {
        TopologyState last = history.lastTopologyOf(decision.id()).orElse(null);
        if (last == null || last.phase() != Phase.STEADY) {
            violations.add(new Violation(
                    name(),
                    "the plan of " + decision.id() + " did not complete (last phase: "
                            + (last == null ? "none" : last.phase()) + ")"));
            return;
        }
        Set<Integer> succeeded = new HashSet<>();
        for (CommandAck ack : history.acks()) {
            if (ack.step().decisionId().equals(decision.id()) && ack.outcome() == AckOutcome.SUCCEEDED) {
                succeeded.add(ack.step().stepIndex());
            }
        }
        for (PlanStep step : decision.plan()) {
            if (Boolean.TRUE.equals(step.bestEffort()) || succeeded.contains(step.index())) {
                continue;
            }
            StepStatus recorded = last.planSteps().stream()
                    .filter(p -> p.index() == step.index())
                    .map(StepProgress::status)
                    .findFirst()
                    .orElse(null);
            if (recorded != StepStatus.SKIPPED) {
                violations.add(new Violation(
                        name(),
                        "step " + step.index() + " (" + step.action() + ") of " + decision.id()
                                + " has no successful acknowledgement and is not recorded as skipped (recorded: "
                                + recorded + ")"));
            }
        }
    }

    private void checkIssuedOnce(History history, FailoverDecision decision, List<Violation> violations) {
        Map<String, Set<String>> idsPerAttempt = new HashMap<>();
        for (StepCommand command : history.realCommands()) {
            if (command.step().decisionId().equals(decision.id())) {
                idsPerAttempt
                        .computeIfAbsent(
                                "step " + command.step().stepIndex() + " attempt "
                                        + command.step().attempt(),
                                k -> new HashSet<>())
                        .add(command.id());
            }
        }
        idsPerAttempt.forEach((attempt, ids) -> {
            if (ids.size() > 1) {
                violations.add(new Violation(
                        name(),
                        attempt + " of " + decision.id() + " was issued as " + ids.size() + " commands " + ids));
            }
        });
    }

    private void checkEffectOnce(History history, FailoverDecision decision, List<Violation> violations) {
        Map<Integer, List<String>> changedBy = new HashMap<>();
        for (CommandAck ack : history.acks()) {
            if (ack.step().decisionId().equals(decision.id())
                    && ack.outcome() == AckOutcome.SUCCEEDED
                    && "true".equals(ack.observed().get("changed"))) {
                changedBy
                        .computeIfAbsent(ack.step().stepIndex(), k -> new ArrayList<>())
                        .add(ack.commandId());
            }
        }
        changedBy.forEach((step, commands) -> {
            if (commands.size() > 1) {
                violations.add(new Violation(
                        name(),
                        "step " + step + " of " + decision.id() + " changed its target " + commands.size()
                                + " times (commands " + commands + ")"));
            }
        });
    }
}
