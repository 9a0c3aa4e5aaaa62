package io.mrm.mrmctl.domain;

import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How `mrmctl status` shows one application's topology state, as text lines and as a JSON-ready map. */
public final class StatusView {

    private StatusView() {
    }

    public static List<String> text(TopologyState state, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add(state.applicationId() + ": active " + state.activeRegion() + ", standby " + state.standbyRegion()
                + ", epoch " + state.epoch() + ", phase " + state.phase() + (state.frozen() ? ", FROZEN" : ""));
        lines.add("  hold-down: " + holdDown(state.holdDownUntil(), now));
        lines.add("  last decision: " + (state.lastDecisionId() == null ? "none" : state.lastDecisionId()));
        String next = next(state);
        if (next != null) {
            lines.add("  next: " + next);
        }
        if (!state.planSteps().isEmpty()) {
            lines.add("  plan: " + progress(state.planSteps()));
            for (StepProgress step : state.planSteps()) {
                lines.add("    " + PlanProgress.describe(step, state.planSteps().size()));
            }
        }
        return lines;
    }

    public static Map<String, Object> json(TopologyState state) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("application", state.applicationId());
        map.put("activeRegion", state.activeRegion());
        map.put("standbyRegion", state.standbyRegion());
        map.put("epoch", state.epoch());
        map.put("phase", state.phase().name());
        map.put("frozen", state.frozen());
        map.put("holdDownUntil", state.holdDownUntil() == null ? null : state.holdDownUntil().toString());
        map.put("lastDecisionId", state.lastDecisionId());
        map.put("plan", steps(state.planSteps()));
        map.put("stateTime", state.time().toString());
        return map;
    }

    public static List<Map<String, Object>> steps(List<StepProgress> steps) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (StepProgress step : steps) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("step", step.index() + 1);
            map.put("action", step.action().name());
            map.put("region", step.region());
            map.put("status", step.status().name());
            map.put("attempts", step.attempts());
            map.put("detail", step.detail());
            list.add(map);
        }
        return list;
    }

    /** What an operator can do now, for the phases that wait for one; null otherwise. */
    static String next(TopologyState state) {
        String app = state.applicationId();
        String id = state.lastDecisionId();
        return switch (state.phase()) {
            case PROPOSED -> "waiting for approval: mrmctl approve " + app + " " + id + " --follow, or mrmctl reject "
                    + app + " " + id + " --reason ...";
            case PAUSED -> "paused on a failed step: mrmctl resume " + app + " " + id + ", mrmctl skip " + app + " "
                    + id + " STEP --reason ..., or mrmctl abort " + app + " " + id + " --reason ...";
            default -> null;
        };
    }

    /** "2 of 4 steps done", counting skipped steps as done: the plan moved past them. */
    static String progress(List<StepProgress> steps) {
        long done = steps.stream()
                .filter(s -> s.status() == StepStatus.SUCCEEDED || s.status() == StepStatus.SKIPPED).count();
        return done + " of " + steps.size() + " steps done";
    }

    static String holdDown(Instant until, Instant now) {
        if (until == null) {
            return "none";
        }
        return until.isAfter(now) ? "until " + until : "expired at " + until;
    }
}
