package io.mrm.mrmctl.domain;

import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.Placement;
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

    private StatusView() {}

    public static List<String> text(TopologyState state, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add(state.applicationId() + ": active " + state.activeRegion() + ", standby " + state.standbyRegion()
                + ", epoch " + state.epoch() + ", phase " + state.phase() + (state.frozen() ? ", FROZEN" : ""));
        lines.add("  hold-down: " + holdDown(state.holdDownUntil(), now));
        lines.add("  last decision: " + (state.lastDecisionId() == null ? "none" : state.lastDecisionId()));
        if (state.phase() == Phase.DIVERGED) {
            lines.add("  components: " + placement(state.placement()));
        }
        for (FenceDuty duty : state.fenceDuties()) {
            lines.add("  fence pending: " + duty.action() + " " + duty.region() + " (left unfenced by "
                    + duty.decisionId() + "; retried until it succeeds, and before any switch towards "
                    + duty.region() + ")");
        }
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
        map.put(
                "holdDownUntil",
                state.holdDownUntil() == null ? null : state.holdDownUntil().toString());
        map.put("lastDecisionId", state.lastDecisionId());
        map.put("plan", steps(state.planSteps()));
        if (state.placement() != null) {
            Map<String, Object> placement = new LinkedHashMap<>();
            placement.put("dns", state.placement().dns());
            placement.put("data", state.placement().data());
            placement.put("events", state.placement().events());
            map.put("placement", placement);
        }
        map.put(
                "fenceDuties",
                state.fenceDuties().stream()
                        .map(d ->
                                Map.of("action", d.action().name(), "region", d.region(), "decisionId", d.decisionId()))
                        .toList());
        map.put(
                "health",
                state.health().stream()
                        .map(h -> {
                            Map<String, Object> region = new LinkedHashMap<>();
                            region.put("region", h.region());
                            region.put("verdict", h.verdict().name());
                            Map<String, Object> vantages = new LinkedHashMap<>();
                            h.vantages()
                                    .forEach(v ->
                                            vantages.put(v.vantage(), v.status().name()));
                            region.put("vantages", vantages);
                            return region;
                        })
                        .toList());
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
            case PROPOSED ->
                "waiting for approval: mrmctl approve " + app + " " + id + " --follow, or mrmctl reject " + app + " "
                        + id + " --reason ...";
            case PAUSED ->
                "paused on a failed step: mrmctl resume " + app + " " + id + ", mrmctl skip " + app + " " + id
                        + " STEP --reason ..., or mrmctl abort " + app + " " + id + " --reason ...";
            case DIVERGED ->
                "the components are split: mrmctl resume " + app + " " + id + " to finish the aborted "
                        + "switch (if it was aborted), or mrmctl failover " + app + " REGION / mrmctl failback " + app
                        + " to run the whole plan towards one region";
            default -> null;
        };
    }

    /** "2 of 4 steps done", counting skipped steps as done: the plan moved past them. */
    static String progress(List<StepProgress> steps) {
        long done = steps.stream()
                .filter(s -> s.status() == StepStatus.SUCCEEDED || s.status() == StepStatus.SKIPPED)
                .count();
        return done + " of " + steps.size() + " steps done";
    }

    /** "DNS in us10, data in eu10, events unknown". */
    static String placement(Placement placement) {
        if (placement == null) {
            return "none known: check DNS, the databases and the event brokers";
        }
        List<String> parts = new ArrayList<>();
        parts.add("DNS " + where(placement.dns()));
        parts.add("data " + where(placement.data()));
        parts.add("events " + where(placement.events()));
        return String.join(", ", parts);
    }

    private static String where(String region) {
        return region == null ? "unknown" : "in " + region;
    }

    static String holdDown(Instant until, Instant now) {
        if (until == null) {
            return "none";
        }
        return until.isAfter(now) ? "until " + until : "expired at " + until;
    }
}
