package io.mrm.mrmctl.domain;

import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.RegionReadiness;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mrmctl status} as a table: a row per application and region (the active region first) with the
 * engine's verdict on the region's health, what each vantage point sees, the region's readiness as a
 * failover target, and the plan's progress on the application's first row.
 */
public final class StatusTable {

    static final List<String> HEADER =
            List.of("APPLICATION", "EPOCH", "PHASE", "PLAN", "REGION", "ROLE", "HEALTH", "VANTAGES", "READINESS");

    private StatusTable() {}

    public static List<String> render(List<TopologyState> states, Map<String, ReadinessState> readiness) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (TopologyState state : states) {
            ReadinessState ready = readiness.get(state.applicationId());
            rows.add(List.of(
                    state.applicationId(),
                    Long.toString(state.epoch()),
                    state.phase().name() + (state.frozen() ? " FROZEN" : ""),
                    plan(state.planSteps()),
                    state.activeRegion(),
                    "active",
                    verdict(state, state.activeRegion()),
                    vantages(state, state.activeRegion()),
                    readiness(ready, state.activeRegion())));
            rows.add(List.of(
                    "",
                    "",
                    "",
                    "",
                    state.standbyRegion(),
                    "standby",
                    verdict(state, state.standbyRegion()),
                    vantages(state, state.standbyRegion()),
                    readiness(ready, state.standbyRegion())));
        }
        return align(rows);
    }

    /** "-" before any plan; "4/4 done"; "2/5 DATA_PROMOTE region-b RUNNING (attempt 2)" while one runs or failed. */
    static String plan(List<StepProgress> steps) {
        if (steps.isEmpty()) {
            return "-";
        }
        long done = steps.stream()
                .filter(s -> s.status() == StepStatus.SUCCEEDED || s.status() == StepStatus.SKIPPED)
                .count();
        String head = done + "/" + steps.size();
        for (StepProgress step : steps) {
            if (step.status() == StepStatus.RUNNING || step.status() == StepStatus.FAILED) {
                return head + " " + step.action() + " " + step.region() + " " + step.status()
                        + (step.attempts() > 1 ? " (attempt " + step.attempts() + ")" : "");
            }
        }
        return head + (done == steps.size() ? " done" : "");
    }

    static String verdict(TopologyState state, String region) {
        return state.healthOf(region).map(v -> v.verdict().name()).orElse("-");
    }

    /** "monitor-a UP, monitor-b STALE"; "-" from an engine that does not publish the view yet. */
    static String vantages(TopologyState state, String region) {
        return state.healthOf(region)
                .map(RegionHealthView::vantages)
                .filter(v -> !v.isEmpty())
                .map(v -> String.join(
                        ", ",
                        v.stream().map(h -> h.vantage() + " " + h.status()).toList()))
                .orElse("-");
    }

    static String readiness(ReadinessState state, String region) {
        if (state == null) {
            return "-";
        }
        for (RegionReadiness r : state.regions()) {
            if (r.region().equals(region)) {
                long failing = r.checks().stream()
                        .filter(c -> c.status() != io.mrm.events.readiness.ReadinessStatus.READY)
                        .count();
                return r.status().name()
                        + (failing == 0 ? "" : " (" + failing + (failing == 1 ? " check)" : " checks)"));
            }
        }
        return "-";
    }

    private static List<String> align(List<List<String>> rows) {
        int columns = HEADER.size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - cell.length() + 2));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
