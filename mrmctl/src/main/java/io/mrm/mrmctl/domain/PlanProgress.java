package io.mrm.mrmctl.domain;

import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.TopologyState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one decision's plan through successive topology states and says, for each state, which
 * step lines are new — so a long wait prints each change once, not the whole plan every time.
 */
public final class PlanProgress {

    private final String decisionId;
    private final Map<Integer, String> printed = new HashMap<>();
    private TopologyState latest;

    public PlanProgress(String decisionId) {
        this.decisionId = decisionId;
    }

    /** The lines to print for this state: steps whose status changed since the last state seen. */
    public List<String> update(TopologyState state) {
        if (!decisionId.equals(state.lastDecisionId())) {
            return List.of();
        }
        latest = state;
        List<String> lines = new ArrayList<>();
        int total = state.planSteps().size();
        for (StepProgress step : state.planSteps()) {
            String line = describe(step, total);
            if (!line.equals(printed.put(step.index(), line))) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The plan finished (STEADY), stopped on a failed step (PAUSED) or was aborted part-way (DIVERGED). */
    public boolean finished() {
        return latest != null
                && (latest.phase() == Phase.STEADY
                        || latest.phase() == Phase.PAUSED
                        || latest.phase() == Phase.DIVERGED);
    }

    /** The latest state of this decision seen, or null. */
    public TopologyState latest() {
        return latest;
    }

    /** "step 2 of 4: DNS_ROUTE us10 SUCCEEDED", with the step's detail when it has one. */
    public static String describe(StepProgress step, int total) {
        String line = "step " + (step.index() + 1) + " of " + total + ": " + step.action() + " " + step.region() + " "
                + step.status();
        return step.detail() == null || step.detail().isBlank() ? line : line + " (" + step.detail() + ")";
    }
}
