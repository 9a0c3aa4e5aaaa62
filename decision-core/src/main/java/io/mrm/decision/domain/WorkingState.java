package io.mrm.decision.domain;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.Alert;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One application's state while one input (or the passing of time) is applied: a mutable copy that
 * the parts of the core change, and the outputs they produce, in order. {@link #result()} freezes it.
 */
final class WorkingState {

    /** Raised-alert keys that are markers, not alerts: automatic decisions wait until the region recovers. */
    static final String SUPPRESSED = "SUPPRESSED_UNTIL_RECOVERY";
    /** How far above any epoch this engine knows an actuator's fence epoch may be believed. */
    static final long PLAUSIBLE_EPOCH_JUMP = 1_000_000;

    final ApplicationPolicy policy;
    final Instant now;
    final ApplicationState before;
    final List<MrmEvent> outputs = new ArrayList<>();
    long epoch;
    long highestEpochSeen;
    String active;
    String standby;
    Phase phase;
    boolean frozen;
    Instant holdDownUntil;
    String lastDecisionId;
    List<HealthCounter> counters;
    PlanRun run;
    long outputSeq;
    List<Instant> automaticFailovers;
    final Set<String> raised;
    List<SeenNonce> seenNonces;
    ComponentPlacement placement;
    List<PendingFence> fences;
    Instant firstObservationAt;
    final Map<String, Instant> throttled;
    PlanRun parkedRun;
    Map<Actuator, ReadinessReport> readinessReports;
    String readinessShown;
    ViewWindow readinessWindow;
    DrillRun drill;
    List<RegionHealthView> healthShown;
    ViewWindow healthWindow;
    /**
     * This step's input was taken more than half of {@code stale-after} before now: the engine is working through a
     * backlog (it was away: a restart, a takeover, a long pause) and its picture of who reports is not current yet.
     * Not kept: it holds for the step alone.
     */
    boolean catchingUp;
    /** A counter changed in a way the health view shows (set by the health assessment): rebuild the view. */
    boolean healthChanged;
    /** What an accepted request's answer says. */
    String acceptedAs = "accepted";
    /** A new application: publish its topology even if this step changes nothing in it. */
    boolean announce;
    /** Set when the input is refused: the host dead-letters it. */
    InputRefusal refusal;

    WorkingState(ApplicationPolicy policy, ApplicationState s, Instant now) {
        this.policy = policy;
        this.now = now;
        this.before = s;
        epoch = s.epoch();
        highestEpochSeen = s.highestEpochSeen();
        active = s.activeRegion();
        standby = s.standbyRegion();
        phase = s.phase();
        frozen = s.frozen();
        holdDownUntil = s.holdDownUntil();
        lastDecisionId = s.lastDecisionId();
        counters = notAfter(s.counters(), now);
        run = s.run();
        outputSeq = s.outputSeq();
        automaticFailovers = s.automaticFailovers();
        raised = new HashSet<>(s.raisedAlerts());
        seenNonces = s.seenNonces();
        placement = s.placement();
        fences = s.fences();
        firstObservationAt =
                s.firstObservationAt() != null && s.firstObservationAt().isAfter(now) ? now : s.firstObservationAt();
        throttled = new HashMap<>(s.throttledAlerts());
        parkedRun = s.parkedRun();
        readinessReports = s.readinessReports();
        readinessShown = s.readinessShown();
        readinessWindow = s.readinessWindow();
        drill = s.drill();
        healthShown = s.healthShown();
        healthWindow = s.healthWindow();
        healthChanged = counters != s.counters();
    }

    /**
     * Reports the engine took in before its clock stepped back (an NTP correction) count from now at
     * the latest: freshness runs at most {@code stale-after} on the corrected clock.
     */
    private static List<HealthCounter> notAfter(List<HealthCounter> counters, Instant now) {
        if (counters.stream().noneMatch(c -> c.lastSeen().isAfter(now))) {
            return counters;
        }
        return counters.stream()
                .map(c -> !c.lastSeen().isAfter(now)
                        ? c
                        : new HealthCounter(
                                c.region(),
                                c.component(),
                                c.vantage(),
                                c.consecutiveFailures(),
                                c.consecutiveSuccesses(),
                                c.down(),
                                c.lastStatus(),
                                now,
                                c.lastObservationId(),
                                c.lastDetail(),
                                c.monitorRun(),
                                c.sequence(),
                                c.external()))
                .toList();
    }

    String applicationId() {
        return before.applicationId();
    }

    // ---- epochs -------------------------------------------------------------------------------

    /** A new fencing epoch, above every one issued for this application that the engine knows of. */
    long nextEpoch() {
        epoch = Math.max(epoch, highestEpochSeen) + 1;
        highestEpochSeen = epoch;
        return epoch;
    }

    /** An epoch someone issued (a command answered, an actuator's fence): never issue it again. */
    void epochSeen(long seen) {
        highestEpochSeen = Math.max(highestEpochSeen, seen);
    }

    // ---- phases -------------------------------------------------------------------------------

    /** The phase to return to when nothing runs: DIVERGED while components are split, else STEADY. */
    Phase restingPhase() {
        return placement != null ? Phase.DIVERGED : Phase.STEADY;
    }

    void extendHoldDown() {
        Instant until = now.plus(policy.holdDown());
        holdDownUntil = holdDownUntil == null || until.isAfter(holdDownUntil) ? until : holdDownUntil;
    }

    // ---- outputs ------------------------------------------------------------------------------

    void alert(AlertCode code, String message, SafetyRule rule, String decisionId) {
        outputs.add(new Alert(
                nextId(),
                applicationId(),
                now,
                Alert.SCHEMA_VERSION,
                code.severity(),
                code.name(),
                Texts.clip(message),
                rule,
                decisionId));
    }

    void alert(AlertCode code, String message) {
        alert(code, message, null, null);
    }

    /** Raises the alert unless the condition {@code key} was already alerted and has not cleared since. */
    void raiseOnce(String key, AlertCode code, String message, SafetyRule rule) {
        if (raised.add(key)) {
            alert(code, message, rule, null);
        }
    }

    /** The condition {@code key} has cleared: true if it had been raised. */
    boolean clear(String key) {
        return raised.remove(key);
    }

    /** Raises the alert at most once per {@code every} for {@code key} (conditions that never "clear"). */
    void alertThrottled(String key, Duration every, AlertCode code, String message) {
        Instant last = throttled.get(key);
        if (last == null || !now.isBefore(last.plus(every)) || now.isBefore(last)) {
            throttled.put(key, now);
            alert(code, message);
        }
    }

    /** Deterministic: the same application and sequence number give the same id on replay. */
    String nextId() {
        outputSeq++;
        return DecisionCore.outputId(applicationId(), before.lineage(), outputSeq);
    }

    // ---- result -------------------------------------------------------------------------------

    ApplicationState snapshot() {
        return new ApplicationState(
                applicationId(),
                epoch,
                active,
                standby,
                phase,
                frozen,
                holdDownUntil,
                lastDecisionId,
                counters,
                run,
                outputSeq,
                automaticFailovers,
                raised,
                seenNonces,
                before.lineage(),
                highestEpochSeen,
                placement,
                fences,
                firstObservationAt,
                throttled,
                parkedRun,
                readinessReports,
                readinessShown,
                drill,
                readinessWindow,
                healthShown,
                healthWindow);
    }

    StepResult result() {
        boolean showHealth = HealthAssessment.viewChanged(this);
        ApplicationState next = snapshot();
        if (announce || showHealth || topologyChanged(before, next)) {
            outputs.add(topology(next));
            next = snapshot();
        }
        return new StepResult(next, outputs, refusal);
    }

    private static boolean topologyChanged(ApplicationState a, ApplicationState b) {
        return a.epoch() != b.epoch()
                || a.highestEpochSeen() != b.highestEpochSeen()
                || !a.activeRegion().equals(b.activeRegion())
                || a.phase() != b.phase()
                || a.frozen() != b.frozen()
                || !Objects.equals(a.holdDownUntil(), b.holdDownUntil())
                || !Objects.equals(a.lastDecisionId(), b.lastDecisionId())
                || !Objects.equals(
                        a.run() == null ? null : a.run().steps(),
                        b.run() == null ? null : b.run().steps())
                || !Objects.equals(a.placement(), b.placement())
                || !a.automaticFailovers().equals(b.automaticFailovers())
                || !a.fences().stream()
                        .map(PendingFence::duty)
                        .toList()
                        .equals(b.fences().stream().map(PendingFence::duty).toList());
    }

    private TopologyState topology(ApplicationState s) {
        ComponentPlacement.ManagedComponents managed = ComponentPlacement.ManagedComponents.of(policy.plan());
        return new TopologyState(
                nextId(),
                s.applicationId(),
                now,
                TopologyState.SCHEMA_VERSION,
                s.epoch(),
                s.activeRegion(),
                s.standbyRegion(),
                s.phase(),
                s.frozen(),
                s.holdDownUntil(),
                s.lastDecisionId(),
                s.run() == null ? List.of() : s.run().steps(),
                s.placement() == null ? null : s.placement().published(managed),
                s.fences().stream().map(PendingFence::duty).toList(),
                s.highestEpochSeen() > s.epoch() ? s.highestEpochSeen() : null,
                s.automaticFailovers(),
                s.healthShown());
    }
}
