package io.mrm.mrmctl.domain;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one drill through its decision, its rehearsals' acknowledgements and the alert that ends it, and
 * says which lines are new: each step once it is answered (what it would have done, how long it took), and
 * the end with the predicted RTO.
 */
public final class DrillProgress {

    /** How a drill ended, as its alert says. */
    public enum End {
        COMPLETED,
        FAILED,
        CANCELLED
    }

    private final String decisionId;
    private FailoverDecision decision;
    private final Map<Integer, CommandAck> answers = new LinkedHashMap<>();
    private End end;
    private String endMessage;

    public DrillProgress(String decisionId) {
        this.decisionId = decisionId;
    }

    /** The lines to print for this event (none when it is not the drill's). */
    public List<String> update(MrmEvent event) {
        List<String> lines = new ArrayList<>();
        if (event instanceof FailoverDecision d && d.id().equals(decisionId)) {
            decision = d;
        } else if (event instanceof CommandAck ack
                && ack.step().decisionId().equals(decisionId)
                && ack.step().rehearsing()
                && end == null) {
            answers.put(ack.step().stepIndex(), ack);
            lines.add(describe(ack, decision == null ? null : decision.plan()));
        } else if (event instanceof Alert alert && decisionId.equals(alert.decisionId()) && end == null) {
            End ended = endOf(alert.code());
            if (ended != null) {
                end = ended;
                endMessage = alert.message();
                lines.add(ended + ": " + alert.message());
            }
        }
        return lines;
    }

    /** "step 2 of 6: DATA_DRAIN eu10 SUCCEEDED in 1.2 s: would drain …" */
    public static String describe(CommandAck ack, List<PlanStep> plan) {
        int index = ack.step().stepIndex();
        String where = plan == null || index >= plan.size()
                ? ack.action().name()
                : ack.action() + " " + plan.get(index).region();
        return "step " + (index + 1) + (plan == null ? "" : " of " + plan.size()) + ": " + where + " " + ack.outcome()
                + (ack.errorCode() == null ? "" : " " + ack.errorCode()) + " in " + seconds(ack.durationMs())
                + (ack.detail() == null ? "" : ": " + ack.detail());
    }

    static End endOf(String code) {
        return switch (code) {
            case "DRILL_COMPLETED" -> End.COMPLETED;
            case "DRILL_FAILED" -> End.FAILED;
            case "DRILL_CANCELLED" -> End.CANCELLED;
            default -> null;
        };
    }

    public boolean finished() {
        return end != null;
    }

    public End end() {
        return end;
    }

    /** The ending alert's message (with the predicted RTO), or null before the end. */
    public String endMessage() {
        return endMessage;
    }

    /** The answered steps, for --output json: index, action, outcome, duration, detail. */
    public List<Map<String, Object>> steps() {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (CommandAck ack : answers.values()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("index", ack.step().stepIndex());
            step.put("action", ack.action().name());
            if (decision != null && ack.step().stepIndex() < decision.plan().size()) {
                step.put("region", decision.plan().get(ack.step().stepIndex()).region());
            }
            step.put("attempt", ack.step().attempt());
            step.put("outcome", ack.outcome().name());
            step.put("durationMs", ack.durationMs());
            step.put("detail", ack.detail());
            steps.add(step);
        }
        return steps;
    }

    static String seconds(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
