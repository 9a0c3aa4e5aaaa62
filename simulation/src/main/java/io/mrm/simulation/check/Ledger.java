package io.mrm.simulation.check;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.world.VirtualTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What crossed the engine's boundary, as the topics would show it: decisions, the commands sent for each
 * step, the acks delivered back, accepted skips, and the epochs issued — shared by the checks.
 */
final class Ledger {

    final Map<String, FailoverDecision> decisions = new HashMap<>();
    /** The latest command sent per decision and step index. */
    private final Map<String, StepCommand> lastCommand = new HashMap<>();
    /** Acks delivered to the engine with SUCCEEDED, by decision, step, attempt and epoch. */
    private final Set<String> succeeded = new HashSet<>();

    final Set<String> drainSucceeded = new HashSet<>();
    /** The first answer delivered for each attempt, and attempts answered with a failure first, success later. */
    private final Map<String, AckOutcome> firstAnswer = new HashMap<>();

    final Set<String> contradicted = new HashSet<>();
    /** Decisions with a failure answer that arrived after its attempt's deadline (e.g. a redelivered command). */
    final Set<String> lateFailures = new HashSet<>();
    /** The region a FORCED decision went towards, for each such decision an operator aborted. */
    final Map<String, String> abortedForced = new HashMap<>();

    final Set<String> skipped = new HashSet<>();
    /** When the latest deadline of any command sent passes: until then a command may still take effect. */
    long commandsSettleAtMs;
    /** The highest epoch ever issued (decisions, commands, and the epoch an abort or resume raised). */
    long maxEpochIssued;
    /** The highest epoch the current lineage of the engine can know (issued by it, restored, or from acks). */
    long maxEpochKnown;

    static String key(String decisionId, int index) {
        return decisionId + "#" + index;
    }

    /** The step's input (and whether it was accepted), before the checks. */
    void input(CoreStep step) {
        if (step.input() instanceof io.mrm.events.operator.AbortRequest abort
                && accepted(step, io.mrm.events.operator.AbortRequest.class)) {
            FailoverDecision d = decisions.get(abort.decisionId());
            if (d != null && d.mode() == io.mrm.events.operator.FailoverMode.FORCED) {
                abortedForced.put(d.id(), d.toRegion());
            }
        }
        if (step.input() instanceof SkipStepRequest skip && accepted(step, SkipStepRequest.class)) {
            skipped.add(skip.decisionId());
        }
        if (step.input() instanceof CommandAck ack) {
            long claimed = Math.max(ack.step().epoch(), ack.fenceEpoch() == null ? 0 : ack.fenceEpoch());
            if (claimed <= maxEpochKnown + 1_000_000) {
                maxEpochKnown = Math.max(maxEpochKnown, claimed);
            }
            String attempt = attemptKey(
                    ack.step().decisionId(),
                    ack.step().stepIndex(),
                    ack.step().attempt(),
                    ack.step().epoch());
            AckOutcome first = firstAnswer.putIfAbsent(attempt, ack.outcome());
            if (first != null && first != AckOutcome.SUCCEEDED && ack.outcome() == AckOutcome.SUCCEEDED) {
                contradicted.add(ack.step().decisionId());
            }
            StepCommand sent =
                    lastCommand.get(key(ack.step().decisionId(), ack.step().stepIndex()));
            if (ack.outcome() != AckOutcome.SUCCEEDED
                    && sent != null
                    && sent.step().attempt() == ack.step().attempt()
                    && VirtualTime.ms(ack.time()) > VirtualTime.ms(ack.step().deadline())) {
                lateFailures.add(ack.step().decisionId());
            }
            if (ack.outcome() == AckOutcome.SUCCEEDED) {
                succeeded.add(attemptKey(
                        ack.step().decisionId(),
                        ack.step().stepIndex(),
                        ack.step().attempt(),
                        ack.step().epoch()));
                if (ack.action() == StepAction.DATA_DRAIN) {
                    drainSucceeded.add(ack.step().decisionId());
                }
            }
        }
    }

    /** The step's outputs, after the checks. */
    void outputs(CoreStep step) {
        for (MrmEvent output : step.result().outputs()) {
            if (output instanceof FailoverDecision d) {
                decisions.put(d.id(), d);
                maxEpochIssued = Math.max(maxEpochIssued, d.epoch());
            } else if (output instanceof StepCommand c) {
                lastCommand.put(key(c.step().decisionId(), c.step().stepIndex()), c);
                commandsSettleAtMs =
                        Math.max(commandsSettleAtMs, VirtualTime.ms(c.step().deadline()));
                maxEpochIssued = Math.max(maxEpochIssued, c.step().epoch());
            }
        }
        maxEpochIssued = Math.max(maxEpochIssued, step.after().epoch());
        maxEpochKnown = Math.max(maxEpochKnown, step.after().highestEpochSeen());
    }

    StepCommand lastCommand(String decisionId, int index) {
        return lastCommand.get(key(decisionId, index));
    }

    /** Whether the latest command sent for the step was answered SUCCEEDED (as delivered to the engine). */
    boolean confirmed(String decisionId, int index) {
        StepCommand c = lastCommand(decisionId, index);
        return c != null
                && succeeded.contains(attemptKey(
                        decisionId, index, c.step().attempt(), c.step().epoch()));
    }

    /**
     * What explains a world that contradicts the engine: a command delivered twice (at-least-once)
     * was answered with a failure and then, executed again, with a success the engine ignored. Null if none.
     */
    String contradiction() {
        return contradicted.isEmpty()
                ? null
                : "an attempt of decision "
                        + io.mrm.simulation.actors.Describe.id(
                                contradicted.iterator().next())
                        + " was answered FAILED and later SUCCEEDED (a redelivered command)";
    }

    /** What explains a placement that took a late failure of this decision for "not done". Null if none. */
    String lateFailure(String decisionId) {
        return !lateFailures.contains(decisionId)
                ? null
                : "a failure answer of decision "
                        + io.mrm.simulation.actors.Describe.id(decisionId)
                        + " arrived after its attempt's deadline (a redelivered command refused as late)";
    }

    boolean sent(String decisionId, int index) {
        return lastCommand.containsKey(key(decisionId, index));
    }

    /**
     * Whether the decision's plan fences {@code region} with this action: a best-effort fence of a forced
     * plan, or the demotion a graceful plan starts with (a restore keeps it as a duty when it was cut short).
     */
    boolean fences(String decisionId, StepAction action, String region) {
        FailoverDecision d = decisions.get(decisionId);
        if (d == null) {
            return false;
        }
        for (PlanStep s : d.plan()) {
            if (s.action() == action && s.region().equals(region)) {
                return true;
            }
        }
        return false;
    }

    /** The accepted outcome answering the step's input request, if it was accepted. */
    static boolean accepted(CoreStep step, Class<? extends OperatorRequest> type) {
        if (!type.isInstance(step.input())) {
            return false;
        }
        for (MrmEvent output : step.result().outputs()) {
            if (output instanceof RequestOutcome o
                    && o.accepted()
                    && o.requestId().equals(step.input().id())) {
                return true;
            }
        }
        return false;
    }

    private static String attemptKey(String decisionId, int index, int attempt, long epoch) {
        return decisionId + "#" + index + "#" + attempt + "#" + epoch;
    }
}
