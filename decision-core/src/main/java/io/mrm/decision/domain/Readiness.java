package io.mrm.decision.domain;

import io.mrm.events.decision.Actuator;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.readiness.RegionReadiness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * The actuators' readiness reports: what each says about a switch towards each region, and the engine's
 * view of them ({@link ReadinessState}), published when it changes.
 *
 * <p>A region is NOT_READY when a check of a step on the region itself says it would fail; UNKNOWN when
 * such a check could not tell or is older than {@code readiness.max-age}, or an actuator of the plan has not
 * reported; READY otherwise. A step on the region being left ({@link ReadinessCheck#targetSide()} false)
 * never blocks — a forced switch skips it — but is shown.
 */
final class Readiness {

    /** Counts rebuilds of the view only; nothing the core decides reads it. */
    private static final LongAdder VIEW_BUILDS = new LongAdder();

    private Readiness() {}

    /** Takes an actuator's report: the latest per actuator counts (an older one arriving late is ignored). */
    static void take(WorkingState w, ReadinessReport report) {
        ReadinessReport held = w.readinessReports.get(report.actuator());
        if (held != null && held.time().isAfter(report.time())) {
            return;
        }
        Map<Actuator, ReadinessReport> next = new EnumMap<>(Actuator.class);
        next.putAll(w.readinessReports);
        next.put(report.actuator(), receivedAt(report, w.now));
        w.readinessReports = next;
    }

    /**
     * The report with no check dated after its arrival: an actuator whose clock runs ahead must not keep a
     * check fresh past {@code readiness.max-age} of the engine's time. A clock that runs behind only makes its
     * checks go stale sooner (UNKNOWN: the safe side).
     */
    private static ReadinessReport receivedAt(ReadinessReport report, Instant now) {
        if (report.checks().stream().noneMatch(c -> c.checkedAt().isAfter(now))) {
            return report;
        }
        List<ReadinessCheck> clamped = report.checks().stream()
                .map(c -> c.checkedAt().isAfter(now)
                        ? new ReadinessCheck(
                                c.region(), c.action(), c.check(), c.status(), c.reason(), now, c.durationMs())
                        : c)
                .toList();
        return new ReadinessReport(
                report.id(),
                report.applicationId(),
                report.time(),
                report.schemaVersion(),
                report.actuator(),
                report.intervalMs(),
                clamped);
    }

    /**
     * The actuators that execute a step of the application's switch plan. The failback's re-protect steps
     * act on the region being left (they never block), so an actuator that runs only those is not awaited.
     */
    static List<Actuator> planActuators(ApplicationPolicy policy) {
        TreeSet<Actuator> actuators = new TreeSet<>();
        policy.plan().forEach(a -> actuators.add(a.actuator()));
        return List.copyOf(actuators);
    }

    static List<Actuator> missing(WorkingState w) {
        return planActuators(w.policy).stream()
                .filter(a -> !w.readinessReports.containsKey(a))
                .toList();
    }

    /** How ready {@code region} is to be switched to now. */
    static RegionReadiness of(WorkingState w, String region) {
        List<Actuator> planned = planActuators(w.policy);
        List<ReadinessCheck> checks = new ArrayList<>();
        for (Actuator actuator : planned) {
            ReadinessReport report = w.readinessReports.get(actuator);
            if (report == null) {
                continue;
            }
            for (ReadinessCheck check : report.checks()) {
                if (check.region().equals(region)) {
                    boolean stale = w.now.isAfter(staleAfter(check, w.policy));
                    checks.add(stale ? check.stale(w.now) : check);
                }
            }
        }
        checks.sort(Comparator.comparing(ReadinessCheck::action).thenComparing(ReadinessCheck::check));
        ReadinessStatus status = missing(w).isEmpty() ? ReadinessStatus.READY : ReadinessStatus.UNKNOWN;
        for (ReadinessCheck check : checks) {
            if (check.targetSide()) {
                status = status.worst(check.status());
            }
        }
        return new RegionReadiness(region, status, checks);
    }

    /**
     * Why a switch towards {@code region} must not go ahead under the policy's readiness rule, or null: the
     * region is NOT_READY, or UNKNOWN while {@code readiness.unknown-blocks} is on.
     */
    static String blocking(WorkingState w, String region) {
        if (!w.policy.readiness().required()) {
            return null;
        }
        RegionReadiness readiness = of(w, region);
        boolean blocks = readiness.status() == ReadinessStatus.NOT_READY
                || (readiness.status() == ReadinessStatus.UNKNOWN
                        && w.policy.readiness().unknownBlocks());
        return blocks ? region + " is " + readiness.status() + ": " + failing(w, readiness) : null;
    }

    /** The target's readiness in words, for a decision's reason. */
    static String describe(WorkingState w, String region) {
        RegionReadiness readiness = of(w, region);
        if (readiness.status() == ReadinessStatus.READY) {
            return "target " + region + " readiness READY ("
                    + readiness.checks().size() + " checks)";
        }
        String note = readiness.status() == ReadinessStatus.UNKNOWN
                        && w.policy.readiness().required()
                ? "; proceeding (readiness.unknown-blocks is off)"
                : !w.policy.readiness().required() ? "; readiness.required is off" : "";
        return "target " + region + " readiness " + readiness.status() + " (" + failing(w, readiness) + note + ")";
    }

    /** The target-side checks that are not READY (action, check, reason), and the actuators not heard from. */
    private static String failing(WorkingState w, RegionReadiness readiness) {
        List<String> parts = new ArrayList<>();
        for (ReadinessCheck check : readiness.checks()) {
            if (check.targetSide() && check.status() != ReadinessStatus.READY) {
                parts.add(check.action() + " " + check.check() + " " + check.status() + ": " + check.reason());
            }
        }
        List<Actuator> missing = missing(w);
        if (!missing.isEmpty()) {
            parts.add("no report from " + missing);
        }
        return String.join("; ", parts);
    }

    /**
     * Publishes the view when what it says changed: a region's status, or which checks are not READY (and
     * with what status), or which actuators are missing — not when a report only renews timestamps. Nothing is
     * published for an application no actuator has reported on.
     *
     * <p>It runs on every step, so the view is rebuilt only when it can have changed: a report was taken in this
     * step, the policy's {@link #basis} is not the one it was built for, or the engine's time left its
     * {@link ViewWindow} (a held check crossed {@code readiness.max-age}).
     */
    static void publishIfChanged(WorkingState w) {
        if (w.readinessReports.isEmpty()) {
            return;
        }
        String basis = basis(w.policy);
        // take() replaces the map when it keeps a report: the same map is the same reports
        boolean sameReports = w.readinessReports == w.before.readinessReports();
        if (sameReports && w.readinessWindow != null && w.readinessWindow.holds(basis, w.now)) {
            return;
        }
        VIEW_BUILDS.increment();
        List<RegionReadiness> regions = List.of(of(w, w.policy.primaryRegion()), of(w, w.policy.standbyRegion()));
        List<Actuator> missing = missing(w);
        w.readinessWindow = window(w, basis);
        String shown = shown(regions, missing);
        if (shown.equals(w.readinessShown)) {
            return;
        }
        w.readinessShown = shown;
        w.outputs.add(new ReadinessState(
                w.nextId(), w.applicationId(), w.now, ReadinessState.SCHEMA_VERSION, regions, missing));
    }

    /** What of the policy the view depends on besides the reports and the time. */
    private static String basis(ApplicationPolicy policy) {
        return policy.primaryRegion()
                + ' '
                + policy.standbyRegion()
                + ' '
                + policy.readiness().maxAge()
                + ' '
                + planActuators(policy);
    }

    /**
     * The instants around {@code w.now} between which no held check crosses {@code readiness.max-age}
     * ({@link #staleAfter}).
     */
    private static ViewWindow window(WorkingState w, String basis) {
        Instant after = null;
        Instant until = null;
        for (ReadinessReport report : w.readinessReports.values()) {
            for (ReadinessCheck check : report.checks()) {
                Instant crossing = staleAfter(check, w.policy);
                if (w.now.isAfter(crossing)) {
                    after = after == null || crossing.isAfter(after) ? crossing : after;
                } else {
                    until = until == null || crossing.isBefore(until) ? crossing : until;
                }
            }
        }
        return new ViewWindow(basis, after, until);
    }

    /** A check is stale once the engine's time is after this: both the view and its window read it here. */
    private static Instant staleAfter(ReadinessCheck check, ApplicationPolicy policy) {
        return check.checkedAt().plus(policy.readiness().maxAge());
    }

    /** How many times the view was rebuilt in this JVM: read by the test that it is not rebuilt on every step. */
    static long viewBuilds() {
        return VIEW_BUILDS.sum();
    }

    private static String shown(List<RegionReadiness> regions, List<Actuator> missing) {
        StringBuilder out = new StringBuilder();
        for (RegionReadiness region : regions) {
            out.append(region.region()).append('=').append(region.status()).append('[');
            for (ReadinessCheck check : region.checks()) {
                if (check.status() != ReadinessStatus.READY) {
                    out.append(check.action())
                            .append('/')
                            .append(check.check())
                            .append('=')
                            .append(check.status())
                            .append(',');
                }
            }
            out.append(']');
        }
        return out.append(" missing=").append(missing).toString();
    }
}
