package io.mrm.decision.domain;

import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.SafetyRule;
import java.time.Instant;
import java.util.List;

/**
 * The rules every switch must pass. An automatic failover passes all of them or does not happen; a
 * manual one passes those about health unless the operator overrides them by name (break-glass,
 * recorded in the decision).
 */
final class SafetyRules {

    /** A rule that blocks a switch, and why in words. */
    record Blocked(SafetyRule rule, String why) {}

    private SafetyRules() {}

    /**
     * Null when an automatic failover from the active region to the standby may go ahead now, else the
     * first rule in the way: frozen, both down (fail safe), standby not UP, hold-down, too many, standby not
     * ready (an actuator's check of a step on it says it would fail).
     */
    static Blocked automaticFailover(WorkingState w) {
        if (w.frozen) {
            return new Blocked(SafetyRule.NOT_FROZEN, "the application is frozen");
        }
        RegionHealth standbyHealth = HealthAssessment.health(w, w.standby);
        if (standbyHealth == RegionHealth.DOWN) {
            return new Blocked(
                    SafetyRule.NOT_BOTH_DOWN,
                    "both " + w.active + " and " + w.standby + " are down: failing safe, not switching");
        }
        if (standbyHealth != RegionHealth.UP) {
            return new Blocked(
                    SafetyRule.STANDBY_HEALTHY,
                    w.standby + " is not known to be healthy (no quorum of "
                            + "fresh vantage points whose latest reports are up)");
        }
        String degraded = notATarget(w, w.standby);
        if (degraded != null) {
            return new Blocked(SafetyRule.STANDBY_HEALTHY, degraded);
        }
        if (w.holdDownUntil != null && w.now.isBefore(w.holdDownUntil)) {
            return new Blocked(
                    SafetyRule.HOLD_DOWN, "hold-down after the previous switch lasts until " + w.holdDownUntil);
        }
        long recent = failoversInWindow(w);
        if (recent >= w.policy.maxFailoversPerWindow()) {
            return new Blocked(
                    SafetyRule.MAX_FAILOVERS_PER_WINDOW,
                    recent + " automatic failovers within " + w.policy.failoverWindow() + " (at most "
                            + w.policy.maxFailoversPerWindow() + ")");
        }
        String notReady = Readiness.blocking(w, w.standby);
        if (notReady != null) {
            return new Blocked(SafetyRule.TARGET_READY, notReady);
        }
        return null;
    }

    /**
     * Null when a manual switch from {@code source} to {@code target} may go ahead, else why not: the
     * target must be UP and not both down, and a FORCED switch (no drain, no orderly demotion of the
     * source) is only for a source that is down, and the target must not be NOT_READY — each unless overridden.
     */
    static String manualSwitch(
            WorkingState w, String source, String target, FailoverMode mode, List<SafetyRule> overrides) {
        RegionHealth targetHealth = HealthAssessment.health(w, target);
        RegionHealth sourceHealth = HealthAssessment.health(w, source);
        if (targetHealth == RegionHealth.DOWN
                && sourceHealth == RegionHealth.DOWN
                && !overrides.contains(SafetyRule.NOT_BOTH_DOWN)) {
            return "both regions are down (override NOT_BOTH_DOWN to switch anyway)";
        }
        if (targetHealth != RegionHealth.UP && !overrides.contains(SafetyRule.STANDBY_HEALTHY)) {
            return target + " is " + targetHealth + ", not UP (override STANDBY_HEALTHY to switch anyway)";
        }
        String degraded = notATarget(w, target);
        if (degraded != null && !overrides.contains(SafetyRule.STANDBY_HEALTHY)) {
            return degraded + " (override STANDBY_HEALTHY to switch anyway)";
        }
        if (mode == FailoverMode.FORCED
                && sourceHealth != RegionHealth.DOWN
                && !overrides.contains(SafetyRule.SOURCE_DOWN)) {
            return "a FORCED switch skips the drain and the orderly demotion of " + source + ", which is "
                    + sourceHealth + ", not DOWN: ask for a GRACEFUL switch, or override SOURCE_DOWN (break-glass) "
                    + "to force it anyway";
        }
        String notReady = Readiness.blocking(w, target);
        if (notReady != null && !overrides.contains(SafetyRule.TARGET_READY)) {
            return notReady + " (fix it, or override TARGET_READY to switch anyway)";
        }
        return null;
    }

    /** Why {@code region} is no target: a component of degraded-not-a-target reported DEGRADED; else null. */
    private static String notATarget(WorkingState w, String region) {
        if (w.policy.degradedNotATarget().isEmpty()) {
            return null;
        }
        List<String> degraded = HealthAssessment.degraded(w, region, w.policy.degradedNotATarget());
        return degraded.isEmpty()
                ? null
                : region + " is no failover target while " + String.join(", ", degraded)
                        + (degraded.size() == 1 ? " is" : " are") + " DEGRADED (degraded-not-a-target)";
    }

    static long failoversInWindow(WorkingState w) {
        Instant since = w.now.minus(w.policy.failoverWindow());
        return w.automaticFailovers.stream().filter(t -> t.isAfter(since)).count();
    }

    static void recordAutomaticFailover(WorkingState w) {
        Instant since = w.now.minus(w.policy.failoverWindow());
        List<Instant> kept = new java.util.ArrayList<>();
        w.automaticFailovers.stream().filter(t -> t.isAfter(since)).forEach(kept::add);
        kept.add(w.now);
        w.automaticFailovers = kept;
    }
}
