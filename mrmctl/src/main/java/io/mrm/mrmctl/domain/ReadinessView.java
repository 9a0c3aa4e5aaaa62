package io.mrm.mrmctl.domain;

import io.mrm.events.decision.Actuator;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.readiness.RegionReadiness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code mrmctl readiness} shows the engine's readiness view of one application (a table per region),
 * and the one line {@code mrmctl status} shows of it.
 */
public final class ReadinessView {

    private ReadinessView() {}

    public static List<String> text(ReadinessState state, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add(state.applicationId() + ": readiness as the engine saw it at " + state.time());
        if (!state.missing().isEmpty()) {
            lines.add("  no report from " + state.missing() + " (counts as UNKNOWN)");
        }
        for (RegionReadiness region : state.regions()) {
            lines.add("  " + region.region() + "  " + region.status());
            if (region.checks().isEmpty()) {
                continue;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ACTION", "CHECK", "STATUS", "AGE", "REASON"});
            for (ReadinessCheck check : region.checks()) {
                rows.add(new String[] {
                    check.action().name() + (check.targetSide() ? "" : " (source)"),
                    check.check(),
                    check.status().name(),
                    age(check.checkedAt(), now),
                    check.reason()
                });
            }
            int[] widths = new int[4];
            for (String[] row : rows) {
                for (int i = 0; i < widths.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder("    ");
                for (int i = 0; i < widths.length; i++) {
                    line.append(String.format("%-" + widths[i] + "s  ", row[i]));
                }
                lines.add(line.append(row[4]).toString());
            }
        }
        return lines;
    }

    /** "readiness: us10 READY, eu10 NOT_READY (2 checks)": the standby first, as a failover would go there. */
    public static String summary(ReadinessState state, String standbyRegion) {
        List<String> parts = new ArrayList<>();
        List<RegionReadiness> ordered = new ArrayList<>(state.regions());
        ordered.sort(
                (a, b) -> a.region().equals(standbyRegion) ? -1 : b.region().equals(standbyRegion) ? 1 : 0);
        for (RegionReadiness region : ordered) {
            long failing = failing(region);
            parts.add(region.region() + " " + region.status()
                    + (failing == 0 ? "" : " (" + failing + (failing == 1 ? " check)" : " checks)")));
        }
        return "readiness: " + String.join(", ", parts);
    }

    public static Map<String, Object> json(ReadinessState state, Instant now) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("application", state.applicationId());
        map.put("time", state.time().toString());
        map.put("missing", state.missing().stream().map(Actuator::name).toList());
        List<Map<String, Object>> regions = new ArrayList<>();
        for (RegionReadiness region : state.regions()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("region", region.region());
            r.put("status", region.status().name());
            List<Map<String, Object>> checks = new ArrayList<>();
            for (ReadinessCheck check : region.checks()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("action", check.action().name());
                c.put("targetSide", check.targetSide());
                c.put("check", check.check());
                c.put("status", check.status().name());
                c.put("checkedAt", check.checkedAt().toString());
                c.put(
                        "ageSeconds",
                        Math.max(0, Duration.between(check.checkedAt(), now).toSeconds()));
                c.put("reason", check.reason());
                checks.add(c);
            }
            r.put("checks", checks);
            regions.add(r);
        }
        map.put("regions", regions);
        return map;
    }

    /** The checks of steps on the region itself that are not READY: what makes it UNKNOWN or NOT_READY. */
    static long failing(RegionReadiness region) {
        return region.checks().stream()
                .filter(c -> c.targetSide() && c.status() != ReadinessStatus.READY)
                .count();
    }

    static String age(Instant at, Instant now) {
        Duration age = Duration.between(at, now);
        if (age.isNegative()) {
            return "0s";
        }
        long s = age.toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }
}
