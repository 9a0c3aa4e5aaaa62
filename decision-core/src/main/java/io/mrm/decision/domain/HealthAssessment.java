package io.mrm.decision.domain;

import io.mrm.events.decision.Evidence;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.VantageHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the monitors say about each region: takes in observations (refusing those from undeclared
 * sources or from clocks ahead of the engine's), keeps per (region, component, vantage) counters with
 * hysteresis, judges each region UP, DOWN or UNKNOWN, and alerts when the monitors cannot be relied on
 * (all silent, fewer than a quorum left, a clock ahead).
 *
 * <p>Time and order never come from a monitor's clock beyond {@code max-observation-skew}: a report
 * counts from its own time or the engine's, whichever is earlier, and a vantage's reports are taken in
 * the order they arrive (one partition per application), a replay of the same monitor run dropped by
 * its sequence number.
 */
final class HealthAssessment {

    /** How often an alert about one misbehaving source repeats while it goes on. */
    static final Duration SOURCE_ALERT_EVERY = Duration.ofMinutes(15);

    static final String BLIND_KEY = "BLIND";
    static final String QUORUM_KEY = "QUORUM_LOST:";
    static final String COMPONENT_KEY = "COMPONENT:";
    static final String DEGRADED_KEY = "DEGRADED:";

    /** How many times the health view was built, across all instances (tests check it is not built per step). */
    private static final java.util.concurrent.atomic.LongAdder VIEW_BUILDS =
            new java.util.concurrent.atomic.LongAdder();

    private HealthAssessment() {}

    static long viewBuilds() {
        return VIEW_BUILDS.sum();
    }

    /** Takes one observation into the counters, or refuses it (returned, and alerted). */
    static InputRefusal take(WorkingState w, HealthObservation o) {
        ApplicationPolicy policy = w.policy;
        String unknown = !policy.hasRegion(o.region())
                ? "region '" + o.region() + "'"
                : !policy.declaresComponent(o.component())
                        ? "component '" + o.component() + "'"
                        : !policy.declaresVantage(o.vantage()) ? "vantage '" + o.vantage() + "'" : null;
        if (unknown != null) {
            String detail = "observation " + o.id() + " is from " + unknown + ", which the policy of "
                    + policy.applicationId() + " does not declare (regions " + policy.primaryRegion() + ", "
                    + policy.standbyRegion() + "; components "
                    + sorted(policy.healthComponents(), policy.alertComponents())
                    + "; vantages " + policy.vantages().stream().sorted().toList() + ")";
            w.alertThrottled(
                    "UNKNOWN_SOURCE",
                    SOURCE_ALERT_EVERY,
                    AlertCode.UNKNOWN_SOURCE,
                    detail + "; such observations are dead-lettered (alerted at most every " + SOURCE_ALERT_EVERY
                            + ")");
            return new InputRefusal(InputRefusal.Reason.UNKNOWN_SOURCE, detail);
        }
        Duration ahead = Duration.between(w.now, o.time());
        if (ahead.compareTo(policy.maxObservationSkew()) > 0) {
            String detail = "observation " + o.id() + " from " + o.vantage() + " is stamped " + o.time() + ", "
                    + ahead.toMillis() + " ms ahead of the engine's clock (at most " + policy.maxObservationSkew()
                    + "): fix the monitor's clock (NTP)";
            w.alertThrottled(
                    "CLOCK_SKEW:" + o.vantage(),
                    SOURCE_ALERT_EVERY,
                    AlertCode.MONITOR_CLOCK_SKEW,
                    detail + "; its observations are dead-lettered until then");
            return new InputRefusal(InputRefusal.Reason.CLOCK_SKEW, detail);
        }
        count(w, o);
        return null;
    }

    private static void count(WorkingState w, HealthObservation o) {
        List<HealthCounter> next = new ArrayList<>(w.counters.size() + 1);
        HealthCounter previous = null;
        for (HealthCounter counter : w.counters) {
            if (counter.sameSource(o.region(), o.component(), o.vantage())) {
                previous = counter;
            } else {
                next.add(counter);
            }
        }
        if (previous != null && !previous.isBefore(o.monitorRun(), o.sequence(), o.time())) {
            return; // the same monitor run already reported this or something later, or another run's report
            // no newer than the latest counted: a replay
        }
        if (w.firstObservationAt == null) {
            w.firstObservationAt = w.now;
        }
        boolean failed = o.status() == HealthStatus.DOWN;
        int failures = failed ? (previous == null ? 0 : previous.consecutiveFailures()) + 1 : 0;
        int successes = failed ? 0 : (previous == null ? 0 : previous.consecutiveSuccesses()) + 1;
        boolean wasDown = previous != null && previous.down();
        boolean down = failed
                ? wasDown || failures >= w.policy.failureThreshold()
                : wasDown && successes < w.policy.recoveryThreshold();
        Instant counted = o.time().isAfter(w.now) ? w.now : o.time();
        HealthCounter counter = new HealthCounter(
                o.region(),
                o.component(),
                o.vantage(),
                failures,
                successes,
                down,
                o.status(),
                counted,
                o.id(),
                o.detail(),
                o.monitorRun(),
                o.sequence(),
                o.probe() == io.mrm.events.observation.ProbeKind.ALERT_WEBHOOK);
        next.add(counter);
        w.counters = next;
        if (previous == null || shownAs(w, previous) != shownAs(w, counter) || movesWindow(w, previous, counter)) {
            w.healthChanged = true;
        }
    }

    /**
     * The view's window holds the latest stale-after crossing of the stale counters and the earliest of the fresh
     * ones: a renewed counter keeps it right only if it was fresh and its crossing did not move earlier. A report
     * counted from an earlier time (a run numbers it later but stamps it earlier) turns stale sooner; a stale
     * counter renewed by a report that is stale too turns fresh again later if the clock steps back.
     */
    private static boolean movesWindow(WorkingState w, HealthCounter previous, HealthCounter counter) {
        return counter.lastSeen().isBefore(previous.lastSeen())
                || (counter.lastSeen().isAfter(previous.lastSeen()) && !previous.isFresh(w.now, w.policy.staleAfter()));
    }

    private static List<HealthCounter> fresh(WorkingState w, String region, String component) {
        return w.counters.stream()
                .filter(c -> c.region().equals(region) && c.component().equals(component))
                .filter(c -> c.isFresh(w.now, w.policy.staleAfter()))
                .toList();
    }

    /**
     * DOWN when a quorum of fresh vantage points calls a health component down; UP when, for every
     * health component, a quorum of fresh vantage points calls it up and its latest report is not a
     * failure; else UNKNOWN (never treated as UP).
     */
    static RegionHealth health(WorkingState w, String region) {
        boolean allUp = true;
        for (String component : w.policy.healthComponents()) {
            List<HealthCounter> seen = fresh(w, region, component);
            if (witnessesDown(w, seen) >= w.policy.quorum()) {
                return RegionHealth.DOWN;
            }
            allUp &= seen.stream().filter(HealthCounter::reportsUp).count() >= w.policy.quorum();
        }
        return allUp ? RegionHealth.UP : RegionHealth.UNKNOWN;
    }

    /**
     * Rebuilds the health view when it can have changed — a counter changed in a way it shows, the policy's basis
     * is not the one it was built for, or the engine's time left its {@link ViewWindow} (a counter crossed
     * {@code stale-after}) — and keeps it if it differs from the one shown. It runs on every step: most steps
     * only renew a counter and rebuild nothing.
     *
     * @return whether the view shown changed (the topology is then published)
     */
    static boolean viewChanged(WorkingState w) {
        String basis = basis(w.policy);
        if (!w.healthChanged && w.healthWindow != null && w.healthWindow.holds(basis, w.now)) {
            return false;
        }
        w.healthWindow = window(w, basis);
        VIEW_BUILDS.increment();
        List<RegionHealthView> view = view(w);
        if (view.equals(w.healthShown)) {
            return false;
        }
        w.healthShown = view;
        return true;
    }

    /** What of a counter the view and the verdict depend on, besides its freshness. */
    private static int shownAs(WorkingState w, HealthCounter c) {
        return (c.down() ? 1 : 0)
                | (c.lastStatus() == HealthStatus.DOWN ? 2 : 0)
                | (c.lastStatus() == HealthStatus.DEGRADED ? 4 : 0)
                | (c.isFresh(w.now, w.policy.staleAfter()) ? 8 : 0)
                // alert webhooks count together at most max-alert-witnesses towards the quorum
                | (c.external() ? 16 : 0);
    }

    /**
     * What of the policy the view depends on besides the counters and the time (the sets by their hash: this runs
     * on every step, and a policy changes only when the engine restarts).
     */
    private static String basis(ApplicationPolicy policy) {
        return policy.primaryRegion()
                + ' '
                + policy.standbyRegion()
                + ' '
                + policy.quorum()
                + ' '
                + policy.staleAfter().toMillis()
                + ' '
                + policy.maxAlertWitnesses()
                + ' '
                + policy.healthComponents().hashCode()
                + ' '
                + policy.vantages().hashCode();
    }

    /** The {@code stale-after} crossings of the counters nearest to the engine's time, on either side. */
    private static ViewWindow window(WorkingState w, String basis) {
        Instant after = null;
        Instant until = null;
        for (HealthCounter c : w.counters) {
            Instant crossing = c.lastSeen().plus(w.policy.staleAfter());
            if (w.now.isAfter(crossing)) {
                after = after == null || crossing.isAfter(after) ? crossing : after;
            } else {
                until = until == null || crossing.isBefore(until) ? crossing : until;
            }
        }
        return new ViewWindow(basis, after, until);
    }

    /**
     * What the engine shows of each region's health (the topology's {@code health}): the quorum's verdict, and
     * per vantage point that reported on it or is declared, what its reports on the health components say (by
     * its hysteresis state: DOWN once it has seen the failure threshold, UP again after the recovery threshold).
     * Deterministic in the state and the engine's clock, so a replay shows the same.
     */
    static List<RegionHealthView> view(WorkingState w) {
        if (w.counters.isEmpty()) {
            return List.of();
        }
        List<RegionHealthView> views = new ArrayList<>(2);
        for (String region : List.of(w.policy.primaryRegion(), w.policy.standbyRegion())) {
            java.util.TreeSet<String> vantages = new java.util.TreeSet<>(w.policy.vantages());
            for (HealthCounter c : w.counters) {
                if (c.region().equals(region)) {
                    vantages.add(c.vantage());
                }
            }
            List<VantageHealth> seen = new ArrayList<>(vantages.size());
            for (String vantage : vantages) {
                seen.add(new VantageHealth(vantage, vantageStatus(w, region, vantage)));
            }
            views.add(new RegionHealthView(region, verdict(w, region), seen));
        }
        return views;
    }

    private static SeenHealth verdict(WorkingState w, String region) {
        switch (health(w, region)) {
            case DOWN:
                return SeenHealth.DOWN;
            case UP:
                return degraded(w, region, w.policy.healthComponents()).isEmpty() ? SeenHealth.UP : SeenHealth.DEGRADED;
            default:
                return SeenHealth.UNKNOWN;
        }
    }

    private static SeenHealth vantageStatus(WorkingState w, String region, String vantage) {
        boolean any = false;
        boolean stale = false;
        boolean degraded = false;
        boolean allUp = true;
        for (String component : w.policy.healthComponents()) {
            HealthCounter counter = null;
            for (HealthCounter c : w.counters) {
                if (c.sameSource(region, component, vantage)) {
                    counter = c;
                    break;
                }
            }
            if (counter == null) {
                allUp = false;
                continue;
            }
            any = true;
            if (!counter.isFresh(w.now, w.policy.staleAfter())) {
                stale = true;
                allUp = false;
            } else if (counter.down()) {
                return SeenHealth.DOWN;
            } else {
                // the vantage's hysteresis state: a failure or two short of its threshold does not make it DOWN
                degraded |= counter.lastStatus() == HealthStatus.DEGRADED;
            }
        }
        if (!any) {
            return SeenHealth.UNKNOWN;
        }
        if (degraded) {
            return SeenHealth.DEGRADED;
        }
        return allUp ? SeenHealth.UP : stale ? SeenHealth.STALE : SeenHealth.UNKNOWN;
    }

    /**
     * The components of {@code region} a quorum of fresh vantage points reports DEGRADED (answering, but
     * not as they should: a replication backlog over its bound, a slow round trip), with what they say.
     */
    static List<String> degraded(WorkingState w, String region, java.util.Collection<String> components) {
        List<String> found = new ArrayList<>();
        for (String component : components.stream().sorted().toList()) {
            List<HealthCounter> seen = fresh(w, region, component).stream()
                    .filter(c -> c.lastStatus() == HealthStatus.DEGRADED)
                    .toList();
            if (seen.size() >= w.policy.quorum()) {
                found.add(component + " ("
                        + (seen.get(0).lastDetail() == null
                                ? "DEGRADED"
                                : Texts.clip(seen.get(0).lastDetail())) + ")");
            }
        }
        return found;
    }

    /**
     * How many witnesses call a component down: every probing vantage point, but alert webhooks together at
     * most {@code max-alert-witnesses} (default 1) — one webhook credential (Alertmanager and Azure Monitor
     * may share it, or be fed by one broken Prometheus) must not make a quorum by itself.
     */
    static long witnessesDown(WorkingState w, List<HealthCounter> seen) {
        long probes = seen.stream().filter(c -> c.down() && !c.external()).count();
        long alerts = seen.stream().filter(c -> c.down() && c.external()).count();
        return probes + Math.min(alerts, w.policy.maxAlertWitnesses());
    }

    /** The fresh reports that call the region's health components down: why a failover was decided. */
    static List<Evidence> evidence(WorkingState w, String region) {
        List<Evidence> evidence = new ArrayList<>();
        for (HealthCounter c : w.counters) {
            if (c.region().equals(region)
                    && c.down()
                    && c.isFresh(w.now, w.policy.staleAfter())
                    && w.policy.healthComponents().contains(c.component())) {
                evidence.add(new Evidence(
                        c.lastObservationId(),
                        c.region(),
                        c.component(),
                        c.vantage(),
                        c.lastStatus(),
                        c.lastSeen(),
                        Texts.clip(c.consecutiveFailures() + " consecutive failures"
                                + (c.lastDetail() == null ? "" : ": " + c.lastDetail()))));
            }
        }
        return evidence;
    }

    /** Alerts on the monitors themselves and on alert-only components. */
    static void watch(WorkingState w) {
        boolean blind = watchSight(w);
        for (String region : List.of(w.active, w.standby)) {
            watchQuorum(w, region, blind);
            watchAlertComponents(w, region);
            watchDegraded(w, region);
        }
    }

    /** DEGRADED is never silent: an alert per component a quorum reports so, until it is not. */
    private static void watchDegraded(WorkingState w, String region) {
        Set<String> all = new HashSet<>(w.policy.healthComponents());
        all.addAll(w.policy.alertComponents());
        for (String component : all.stream().sorted().toList()) {
            String key = DEGRADED_KEY + region + "/" + component;
            List<String> degraded = degraded(w, region, List.of(component));
            if (!degraded.isEmpty()) {
                boolean blocks = w.policy.degradedNotATarget().contains(component);
                w.raiseOnce(
                        key,
                        AlertCode.COMPONENT_DEGRADED,
                        degraded.get(0) + " in " + region + " is DEGRADED (seen "
                                + "by a quorum of vantage points)"
                                + (blocks
                                        ? "; " + region + " is no failover target while "
                                                + "it is (degraded-not-a-target)"
                                        : "; it still counts as up"),
                        null);
            } else {
                w.clear(key);
            }
        }
    }

    private static boolean watchSight(WorkingState w) {
        boolean anySeen = !w.counters.isEmpty();
        boolean anyFresh = w.counters.stream().anyMatch(c -> c.isFresh(w.now, w.policy.staleAfter()));
        // while working through a backlog the counters of inputs still queued look stale: judged once it is done
        if (anySeen && !anyFresh && !w.catchingUp) {
            w.raiseOnce(
                    BLIND_KEY,
                    AlertCode.BLIND,
                    "no vantage point has reported for " + w.policy.staleAfter()
                            + ": monitors are silent; not failing over on silence",
                    null);
            return true;
        }
        if (anyFresh && w.clear(BLIND_KEY)) {
            w.alert(AlertCode.SIGHT_RESTORED, "vantage points report again");
        }
        return false;
    }

    /**
     * Fewer fresh vantage points than the quorum watch a region: no failover out of it (or into it)
     * can be decided any more. Not before the monitors have had {@code stale-after} to report first.
     */
    private static void watchQuorum(WorkingState w, String region, boolean blind) {
        String key = QUORUM_KEY + region;
        if (w.firstObservationAt == null || w.now.isBefore(w.firstObservationAt.plus(w.policy.staleAfter()))) {
            return;
        }
        Set<String> watching = null;
        for (String component : w.policy.healthComponents()) {
            Set<String> vantages = new HashSet<>();
            fresh(w, region, component).forEach(c -> vantages.add(c.vantage()));
            if (watching == null || vantages.size() < watching.size()) {
                watching = vantages;
            }
        }
        int seen = watching == null ? 0 : watching.size();
        if (seen < w.policy.quorum() && !blind && !w.catchingUp) {
            w.raiseOnce(
                    key,
                    AlertCode.QUORUM_LOST,
                    "only " + seen + " vantage point(s) " + sortedList(watching)
                            + " report fresh observations of " + region + ", fewer than the quorum of "
                            + w.policy.quorum()
                            + ": no automatic failover can be decided about " + region + " until more report",
                    null);
        } else if (seen >= w.policy.quorum() && w.clear(key)) {
            w.alert(AlertCode.QUORUM_RESTORED, seen + " vantage points watch " + region + " again");
        }
    }

    private static void watchAlertComponents(WorkingState w, String region) {
        for (String component : w.policy.alertComponents()) {
            String key = COMPONENT_KEY + region + "/" + component;
            long down = witnessesDown(w, fresh(w, region, component));
            if (down >= w.policy.quorum()) {
                w.raiseOnce(
                        key,
                        AlertCode.COMPONENT_DOWN,
                        component + " in " + region + " is down (seen by " + down
                                + " vantage points); it does not trigger a failover",
                        null);
            } else {
                w.clear(key);
            }
        }
    }

    private static List<String> sorted(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all.stream().sorted().toList();
    }

    private static List<String> sortedList(Set<String> values) {
        return values == null ? List.of() : values.stream().sorted().toList();
    }
}
