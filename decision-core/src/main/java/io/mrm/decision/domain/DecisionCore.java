package io.mrm.decision.domain;

import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The decision engine's rules as a pure function: {@code step(state, input, now) → (state,
 * outputs)} and {@code tick(state, now)}. No I/O, no clock, no randomness: output ids derive from
 * the application and a per-application sequence, so replaying recorded inputs with their recorded
 * times reproduces the recorded outputs exactly.
 *
 * <p>Health: per (region, component, vantage) consecutive counters with hysteresis; a region is
 * DOWN when a quorum of fresh vantage points calls a health component down, UP when a quorum of
 * fresh ones calls every health component up, else UNKNOWN (stale never counts as up). Before an
 * automatic decision the safety rules are checked; a blocked decision raises one alert naming the
 * rule. Plans run one step at a time: a command, then its ack or its deadline; retriable failures
 * are retried with exponential backoff; a fatal failure or exhausted attempts pause the plan.
 */
public final class DecisionCore {

    static final String ALERT_BLIND = "BLIND";
    static final String ALERT_BOTH_DOWN = "BOTH_REGIONS_DOWN";
    static final String SUPPRESSED = "SUPPRESSED_UNTIL_RECOVERY";

    private final Map<String, ApplicationPolicy> policies;
    private final RequestAuthority authority;
    private final Map<String, PublicKey> keys;

    /** A core that takes unsigned requests at their word: for tests of the other rules. */
    public DecisionCore(Map<String, ApplicationPolicy> policies) {
        this(policies, RequestAuthority.unsignedAccepted());
    }

    public DecisionCore(Map<String, ApplicationPolicy> policies, RequestAuthority authority) {
        this.policies = Map.copyOf(policies);
        this.authority = authority;
        Map<String, PublicKey> decoded = new HashMap<>();
        authority.operators().forEach(o -> decoded.put(o.id(), o.key()));
        this.keys = Map.copyOf(decoded);
    }

    public RequestAuthority authority() {
        return authority;
    }

    /** The policies, by application id. */
    public Map<String, ApplicationPolicy> policies() {
        return policies;
    }

    public ApplicationPolicy policy(String applicationId) {
        ApplicationPolicy policy = policies.get(applicationId);
        if (policy == null) {
            throw new UnknownApplicationException(applicationId);
        }
        return policy;
    }

    /**
     * @param state the application's state, or null for one never seen
     * @param input an observation, operator request or command acknowledgement
     * @param now   the processing time, recorded in every output
     */
    public StepResult step(ApplicationState state, MrmEvent input, Instant now) {
        ApplicationPolicy policy = policy(input.applicationId());
        Work work = new Work(policy, state == null ? ApplicationState.initial(policy, input.id()) : state, now);
        work.announce = state == null;
        if (input instanceof OperatorRequest request) {
            RequestAuthority.Refusal refusal = authenticate(work, request);
            if (refusal != null) {
                // Nothing else is evaluated: a refused request must not even advance time-driven rules.
                work.refuse(request, refusal);
                return work.result();
            }
        }
        if (input instanceof HealthObservation observation) {
            work.onObservation(observation);
        } else if (input instanceof CommandAck ack) {
            work.onAck(ack);
        } else if (input instanceof OperatorRequest request) {
            work.onRequest(request);
        }
        work.evaluate();
        return work.result();
    }

    private RequestAuthority.Refusal authenticate(Work work, OperatorRequest request) {
        work.forgetOldNonces();
        RequestAuthority.Refusal refusal = authority.check(request, work.now, work.seenNonces, keys);
        if (refusal == null && request.signature() != null) {
            work.remember(new SeenNonce(request.operator(), request.signature().nonce(),
                    authority.forgetAfter(request)));
        }
        return refusal;
    }

    /**
     * The id of an application's {@code seq}-th output (from 1) in the state line begun by the input
     * {@code lineage}: derived, not random, so that a replay reproduces it and can tell which
     * recorded output a step emitted; the lineage keeps a reset engine from repeating old ids. A null
     * lineage (a state stored before lineages existed) gives the ids such states always had.
     */
    public static String outputId(String applicationId, String lineage, long seq) {
        String name = lineage == null ? applicationId + "/" + seq : applicationId + "/" + lineage + "/" + seq;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The passing of time: staleness, step deadlines, due retries, hold-down expiry. */
    public StepResult tick(ApplicationState state, Instant now) {
        Work work = new Work(policy(state.applicationId()), state, now);
        work.evaluate();
        return work.result();
    }

    /** One application of the rules: a mutable copy of the state, and the outputs collected. */
    private static final class Work {
        private final ApplicationPolicy policy;
        private final Instant now;
        private final ApplicationState before;
        private final List<MrmEvent> outputs = new ArrayList<>();
        private long epoch;
        private String active;
        private String standby;
        private Phase phase;
        private boolean frozen;
        private Instant holdDownUntil;
        private String lastDecisionId;
        private List<HealthCounter> counters;
        private PlanRun run;
        private long outputSeq;
        private List<Instant> automaticFailovers;
        private final Set<String> raised;
        private List<SeenNonce> seenNonces;
        /** What an accepted request's answer says. */
        private String acceptedAs = "accepted";
        /** A new application: publish its topology even if this step changes nothing in it. */
        boolean announce;

        Work(ApplicationPolicy policy, ApplicationState s, Instant now) {
            this.policy = policy;
            this.now = now;
            this.before = s;
            epoch = s.epoch();
            active = s.activeRegion();
            standby = s.standbyRegion();
            phase = s.phase();
            frozen = s.frozen();
            holdDownUntil = s.holdDownUntil();
            lastDecisionId = s.lastDecisionId();
            counters = s.counters();
            run = s.run();
            outputSeq = s.outputSeq();
            automaticFailovers = s.automaticFailovers();
            raised = new HashSet<>(s.raisedAlerts());
            seenNonces = s.seenNonces();
        }

        void forgetOldNonces() {
            if (seenNonces.stream().anyMatch(n -> !now.isBefore(n.forgetAfter()))) {
                seenNonces = seenNonces.stream().filter(n -> now.isBefore(n.forgetAfter())).toList();
            }
        }

        void remember(SeenNonce nonce) {
            List<SeenNonce> next = new ArrayList<>(seenNonces);
            next.add(nonce);
            seenNonces = next;
        }

        /** A request refused before it was considered: the answer, and an alert someone should read. */
        void refuse(OperatorRequest request, RequestAuthority.Refusal refusal) {
            alert(AlertSeverity.CRITICAL, refusal.code(), "refused " + EventTypes.forClass(request.getClass()).ceType()
                    + " " + request.id() + " claiming to be from '" + request.operator() + "': " + refusal.reason(),
                    null, null);
            outputs.add(new RequestOutcome(nextId(), before.applicationId(), now, RequestOutcome.SCHEMA_VERSION,
                    request.id(), EventTypes.forClass(request.getClass()).ceType(), request.operator(), false,
                    "refused: " + refusal.reason(), null));
        }

        StepResult result() {
            ApplicationState next = snapshot();
            if (announce || topologyChanged(before, next)) {
                outputs.add(topology(next));
                next = snapshot();
            }
            return new StepResult(next, outputs);
        }

        private ApplicationState snapshot() {
            return new ApplicationState(before.applicationId(), epoch, active, standby, phase, frozen, holdDownUntil,
                    lastDecisionId, counters, run, outputSeq, automaticFailovers, raised, seenNonces,
                    before.lineage());
        }

        // ---- health -----------------------------------------------------------------------

        void onObservation(HealthObservation o) {
            if (!policy.hasRegion(o.region())) {
                return;
            }
            List<HealthCounter> next = new ArrayList<>(counters.size() + 1);
            HealthCounter previous = null;
            for (HealthCounter counter : counters) {
                if (counter.sameSource(o.region(), o.component(), o.vantage())) {
                    previous = counter;
                } else {
                    next.add(counter);
                }
            }
            if (previous != null && o.time().isBefore(previous.lastSeen())) {
                return; // an older observation arriving late tells nothing new
            }
            boolean failed = o.status() == HealthStatus.DOWN;
            int failures = failed ? (previous == null ? 0 : previous.consecutiveFailures()) + 1 : 0;
            int successes = failed ? 0 : (previous == null ? 0 : previous.consecutiveSuccesses()) + 1;
            boolean wasDown = previous != null && previous.down();
            boolean down = failed ? wasDown || failures >= policy.failureThreshold()
                    : wasDown && successes < policy.recoveryThreshold();
            next.add(new HealthCounter(o.region(), o.component(), o.vantage(), failures, successes, down, o.status(),
                    o.time(), o.id(), o.detail()));
            counters = next;
        }

        private List<HealthCounter> fresh(String region, String component) {
            return counters.stream()
                    .filter(c -> c.region().equals(region) && c.component().equals(component))
                    .filter(c -> c.isFresh(now, policy.staleAfter()))
                    .toList();
        }

        RegionHealth health(String region) {
            boolean allUp = true;
            for (String component : policy.healthComponents()) {
                List<HealthCounter> seen = fresh(region, component);
                if (seen.stream().filter(HealthCounter::down).count() >= policy.quorum()) {
                    return RegionHealth.DOWN;
                }
                allUp &= seen.stream().filter(c -> !c.down()).count() >= policy.quorum();
            }
            return allUp ? RegionHealth.UP : RegionHealth.UNKNOWN;
        }

        /** Alerts and automatic decisions that follow from the current state and time. */
        void evaluate() {
            checkBlind();
            checkAlertComponents();
            checkPlanTimers();
            RegionHealth activeHealth = health(active);
            if (phase == Phase.PROPOSED && activeHealth == RegionHealth.UP
                    && run.decision().kind() == DecisionKind.AUTOMATIC_FAILOVER) {
                phase = Phase.STEADY;
                alert(AlertSeverity.INFO, "PROPOSAL_WITHDRAWN", active + " is up again: proposal "
                        + run.decision().id() + " is withdrawn", null, run.decision().id());
            }
            if (activeHealth != RegionHealth.DOWN) {
                raised.removeIf(key -> key.startsWith("SAFETY:") || key.equals(ALERT_BOTH_DOWN)
                        || key.equals(SUPPRESSED));
                return;
            }
            if (phase == Phase.STEADY && !raised.contains(SUPPRESSED)) {
                considerAutomaticFailover();
            }
        }

        private void checkBlind() {
            boolean anySeen = !counters.isEmpty();
            boolean anyFresh = counters.stream().anyMatch(c -> c.isFresh(now, policy.staleAfter()));
            if (anySeen && !anyFresh) {
                raiseOnce(ALERT_BLIND, AlertSeverity.CRITICAL, "BLIND", "no vantage point has reported for "
                        + policy.staleAfter() + ": monitors are silent; not failing over on silence", null);
            } else if (anyFresh && raised.remove(ALERT_BLIND)) {
                alert(AlertSeverity.INFO, "SIGHT_RESTORED", "vantage points report again", null, null);
            }
        }

        private void checkAlertComponents() {
            for (String region : List.of(active, standby)) {
                for (String component : policy.alertComponents()) {
                    String key = "COMPONENT:" + region + "/" + component;
                    long down = fresh(region, component).stream().filter(HealthCounter::down).count();
                    if (down >= policy.quorum()) {
                        raiseOnce(key, AlertSeverity.WARNING, "COMPONENT_DOWN", component + " in " + region
                                + " is down (seen by " + down + " vantage points); it does not trigger a failover",
                                null);
                    } else {
                        raised.remove(key);
                    }
                }
            }
        }

        private void considerAutomaticFailover() {
            RegionHealth standbyHealth = health(standby);
            SafetyRule blocked = null;
            String why = null;
            if (frozen) {
                blocked = SafetyRule.NOT_FROZEN;
                why = "the application is frozen";
            } else if (standbyHealth == RegionHealth.DOWN) {
                if (raised.add(ALERT_BOTH_DOWN)) {
                    alert(AlertSeverity.CRITICAL, ALERT_BOTH_DOWN, "both " + active + " and " + standby
                            + " are down: failing safe, not switching", SafetyRule.NOT_BOTH_DOWN, null);
                }
                return;
            } else if (standbyHealth != RegionHealth.UP) {
                blocked = SafetyRule.STANDBY_HEALTHY;
                why = standby + " is not known to be healthy (no quorum of fresh UP observations)";
            } else if (holdDownUntil != null && now.isBefore(holdDownUntil)) {
                blocked = SafetyRule.HOLD_DOWN;
                why = "hold-down after the previous failover lasts until " + holdDownUntil;
            } else if (failoversInWindow() >= policy.maxFailoversPerWindow()) {
                blocked = SafetyRule.MAX_FAILOVERS_PER_WINDOW;
                why = failoversInWindow() + " automatic failovers within " + policy.failoverWindow()
                        + " (at most " + policy.maxFailoversPerWindow() + ")";
            }
            if (blocked != null) {
                raiseOnce("SAFETY:" + blocked, AlertSeverity.CRITICAL, "SAFETY_RULE_BLOCKED", active
                        + " is down but the automatic failover is blocked by " + blocked + ": " + why, blocked);
                return;
            }
            List<Evidence> evidence = evidence(active);
            String reason = active + " is down (seen by " + evidence.size() + " vantage points, quorum "
                    + policy.quorum() + ")";
            if (policy.mode() == DecisionMode.MANUAL) {
                propose(reason, evidence);
            } else {
                recordAutomaticFailover();
                startPlan(DecisionKind.AUTOMATIC_FAILOVER, FailoverMode.FORCED, active, standby, reason,
                        FailoverDecision.ENGINE, null, List.of(), evidence, policy.plan());
            }
        }

        private long failoversInWindow() {
            Instant since = now.minus(policy.failoverWindow());
            return automaticFailovers.stream().filter(t -> t.isAfter(since)).count();
        }

        private void recordAutomaticFailover() {
            Instant since = now.minus(policy.failoverWindow());
            List<Instant> kept = new ArrayList<>();
            automaticFailovers.stream().filter(t -> t.isAfter(since)).forEach(kept::add);
            kept.add(now);
            automaticFailovers = kept;
        }

        private List<Evidence> evidence(String region) {
            List<Evidence> evidence = new ArrayList<>();
            for (HealthCounter c : counters) {
                if (c.region().equals(region) && c.down() && c.isFresh(now, policy.staleAfter())
                        && policy.healthComponents().contains(c.component())) {
                    evidence.add(new Evidence(c.lastObservationId(), c.region(), c.component(), c.vantage(),
                            c.lastStatus(), c.lastSeen(), c.consecutiveFailures() + " consecutive failures"
                            + (c.lastDetail() == null ? "" : ": " + c.lastDetail())));
                }
            }
            return evidence;
        }

        // ---- plans ------------------------------------------------------------------------

        private FailoverDecision decision(DecisionKind kind, FailoverMode mode, DecisionStatus status, String from,
                                          String to, String reason, String requestedBy, String requestId,
                                          List<SafetyRule> overrides, List<Evidence> evidence,
                                          List<StepAction> actions) {
            List<PlanStep> plan = new ArrayList<>();
            for (StepAction action : actions) {
                if (mode == FailoverMode.FORCED && action.needsSourceRegion()) {
                    continue;
                }
                plan.add(planStep(plan.size(), action, from, to));
            }
            epoch++;
            return new FailoverDecision(nextId(), before.applicationId(), now, FailoverDecision.SCHEMA_VERSION, epoch,
                    kind, mode, status, from, to, reason, requestedBy, requestId, overrides, evidence, plan);
        }

        private void propose(String reason, List<Evidence> evidence) {
            FailoverDecision proposal = decision(DecisionKind.AUTOMATIC_FAILOVER, FailoverMode.FORCED,
                    DecisionStatus.PROPOSED, active, standby, reason + "; mode MANUAL: waiting for approval",
                    FailoverDecision.ENGINE, null, List.of(), evidence, policy.plan());
            outputs.add(proposal);
            lastDecisionId = proposal.id();
            run = PlanRun.start(proposal, pending(proposal));
            phase = Phase.PROPOSED;
        }

        private FailoverDecision startPlan(DecisionKind kind, FailoverMode mode, String from, String to,
                                           String reason, String requestedBy, String requestId,
                                           List<SafetyRule> overrides, List<Evidence> evidence,
                                           List<StepAction> actions) {
            FailoverDecision decision = decision(kind, mode, DecisionStatus.EXECUTING, from, to, reason, requestedBy,
                    requestId, overrides, evidence, actions);
            outputs.add(decision);
            lastDecisionId = decision.id();
            run = PlanRun.start(decision, pending(decision));
            phase = Phase.SWITCHING;
            // Hold-down follows every switch, manual ones included: no automatic flip-back right after.
            Instant until = now.plus(policy.holdDown());
            holdDownUntil = holdDownUntil == null || until.isAfter(holdDownUntil) ? until : holdDownUntil;
            raised.remove(SUPPRESSED);
            startGroup();
            return decision;
        }

        private static List<StepProgress> pending(FailoverDecision decision) {
            List<StepProgress> progress = new ArrayList<>();
            for (PlanStep step : decision.plan()) {
                progress.add(new StepProgress(step.index(), step.action(), step.region(), StepStatus.PENDING, 0, null,
                        null, null));
            }
            return progress;
        }

        private PlanStep planStep(int index, StepAction action, String from, String to) {
            boolean onTarget = switch (action) {
                case DATA_PROMOTE, EVENTS_SET_ACTIVE, EVENTS_VERIFY, DNS_ROUTE, DNS_VERIFY -> true;
                default -> false;
            };
            boolean betweenTwo = switch (action) {
                case DATA_DRAIN, EVENTS_DRAIN, DATA_REPROTECT -> true;
                default -> false;
            };
            return new PlanStep(index, action, onTarget ? to : from, betweenTwo ? to : null,
                    policy.stepTimeout().toMillis(), policy.stepMaxAttempts(),
                    index > 0 && policy.parallelSteps().contains(action));
        }

        /** Starts every step of the current group that has not started yet. */
        private void startGroup() {
            for (int index : run.currentGroup()) {
                if (run.step(index).status() == StepStatus.PENDING) {
                    sendAttempt(index);
                }
            }
        }

        private void sendAttempt(int index) {
            PlanStep planStep = run.decision().plan().get(index);
            StepProgress current = run.steps().get(index);
            int attempt = current.attempts() + 1;
            Instant deadline = now.plusMillis(planStep.timeoutMs());
            StepRef ref = new StepRef(run.decision().id(), run.decision().epoch(), index, attempt, deadline);
            outputs.add(StepCommands.forStep(nextId(), before.applicationId(), now, planStep, ref));
            run = run.with(new StepProgress(index, current.action(), current.region(), StepStatus.RUNNING, attempt,
                    current.startedAt() == null ? now : current.startedAt(), null, current.detail()))
                    .with(new PlanRun.StepTimer(index, deadline, null, run.timer(index).attemptLimit()));
        }

        private void checkPlanTimers() {
            if (phase != Phase.SWITCHING || run == null) {
                return;
            }
            for (int index : run.currentGroup()) {
                PlanRun.StepTimer timer = run.timer(index);
                if (phase != Phase.SWITCHING || run.step(index).status() != StepStatus.RUNNING) {
                    continue;
                }
                if (timer.retryAt() != null && !now.isBefore(timer.retryAt())) {
                    sendAttempt(index);
                } else if (timer.attemptDeadline() != null && now.isAfter(timer.attemptDeadline())) {
                    attemptFailed(run.step(index), true, "no acknowledgement before the deadline "
                            + timer.attemptDeadline());
                }
            }
        }

        void onAck(CommandAck ack) {
            // While paused, the answers of a failed step's still-running siblings are recorded too.
            if (run == null || (phase != Phase.SWITCHING && phase != Phase.PAUSED)
                    || !ack.step().decisionId().equals(run.decision().id())
                    || ack.step().epoch() != run.decision().epoch()
                    || !run.currentGroup().contains(ack.step().stepIndex())) {
                return; // late, duplicate or foreign: the plan has moved on
            }
            StepProgress current = run.step(ack.step().stepIndex());
            if (current.status() != StepStatus.RUNNING || run.timer(current.index()).attemptDeadline() == null
                    || ack.step().attempt() != current.attempts()) {
                return; // an earlier attempt's answer, or one for a step not waiting for it
            }
            String detail = ack.outcome() + (ack.errorCode() == null ? "" : " " + ack.errorCode())
                    + (ack.detail() == null ? "" : ": " + ack.detail());
            switch (ack.outcome()) {
                case SUCCEEDED -> {
                    run = run.with(finished(current, StepStatus.SUCCEEDED, detail));
                    if (phase == Phase.SWITCHING) {
                        advance();
                    }
                }
                case FAILED_RETRIABLE -> attemptFailed(current, true, detail);
                case FAILED_FATAL, REJECTED_STALE -> attemptFailed(current, false, detail);
            }
        }

        private void attemptFailed(StepProgress current, boolean retriable, String detail) {
            int limit = run.timer(current.index()).attemptLimit();
            if (retriable && phase == Phase.SWITCHING && current.attempts() < limit) {
                Duration backoff = policy.retryBackoff().multipliedBy(1L << Math.min(10, current.attempts() - 1));
                run = run.with(new StepProgress(current.index(), current.action(), current.region(),
                        StepStatus.RUNNING, current.attempts(), current.startedAt(), null,
                        detail + "; retrying at " + now.plus(backoff)))
                        .with(new PlanRun.StepTimer(current.index(), null, now.plus(backoff), limit));
                return;
            }
            run = run.with(finished(current, StepStatus.FAILED, detail))
                    .with(new PlanRun.StepTimer(current.index(), null, null, limit));
            phase = Phase.PAUSED;
            alert(AlertSeverity.CRITICAL, detail.startsWith(AckOutcome.REJECTED_STALE.name()) ? "STALE_EPOCH"
                            : "PLAN_PAUSED", "step " + current.index() + " (" + current.action() + " " + current.region()
                            + ") failed after " + current.attempts() + " attempt(s): " + detail
                            + "; resume, skip or abort", null, run.decision().id());
        }

        private StepProgress finished(StepProgress step, StepStatus status, String detail) {
            return new StepProgress(step.index(), step.action(), step.region(), status, step.attempts(),
                    step.startedAt(), now, detail);
        }

        /**
         * Starts the next group once every step of the current one is done (while a sibling still
         * runs, nothing new starts), or completes the plan.
         */
        private void advance() {
            phase = Phase.SWITCHING;
            if (run.currentIndex() >= 0) {
                startGroup();
                return;
            }
            FailoverDecision decision = run.decision();
            phase = Phase.STEADY;
            if (decision.kind() != DecisionKind.REPROTECT) {
                active = decision.toRegion();
                standby = decision.fromRegion();
            }
        }

        // ---- operator requests ------------------------------------------------------------

        void onRequest(OperatorRequest request) {
            String rejection = null;
            String decisionId = null;
            if (request instanceof FreezeRequest) {
                frozen = true;
            } else if (request instanceof UnfreezeRequest) {
                frozen = false;
            } else if (request instanceof AcknowledgeHoldDownRequest) {
                holdDownUntil = null;
            } else if (request instanceof ManualFailoverRequest failover) {
                rejection = manualFailover(failover);
                decisionId = rejection == null ? lastDecisionId : null;
            } else if (request instanceof FailbackRequest failback) {
                rejection = failback(failback);
                decisionId = rejection == null ? lastDecisionId : null;
            } else if (request instanceof ApproveRequest approve) {
                rejection = approve(approve);
                decisionId = rejection == null ? lastDecisionId : approve.decisionId();
            } else if (request instanceof RejectRequest reject) {
                rejection = requireCurrent(reject.decisionId(), Phase.PROPOSED);
                if (rejection == null) {
                    phase = Phase.STEADY;
                    raised.add(SUPPRESSED);
                }
                decisionId = reject.decisionId();
            } else if (request instanceof ResumeRequest resume) {
                rejection = requireCurrent(resume.decisionId(), Phase.PAUSED);
                if (rejection == null) {
                    phase = Phase.SWITCHING;
                    for (int index : run.currentGroup()) {
                        StepProgress step = run.step(index);
                        if (step.status() == StepStatus.FAILED) {
                            run = run.with(new PlanRun.StepTimer(index, null, null,
                                    step.attempts() + policy.stepMaxAttempts()));
                            sendAttempt(index);
                        }
                    }
                    advance();
                }
                decisionId = resume.decisionId();
            } else if (request instanceof SkipStepRequest skip) {
                rejection = requireCurrent(skip.decisionId(), Phase.PAUSED);
                if (rejection == null && (!run.currentGroup().contains(skip.stepIndex())
                        || run.step(skip.stepIndex()).status() != StepStatus.FAILED)) {
                    rejection = "step " + skip.stepIndex() + " is not a failed step of the current group "
                            + run.currentGroup();
                }
                if (rejection == null) {
                    StepProgress failed = run.step(skip.stepIndex());
                    run = run.with(finished(failed, StepStatus.SKIPPED, "skipped by " + skip.operator()
                            + " (break-glass): " + skip.reason()));
                    boolean stillFailed = run.currentGroup().stream()
                            .anyMatch(i -> run.step(i).status() == StepStatus.FAILED);
                    if (!stillFailed) {
                        advance();
                    }
                }
                decisionId = skip.decisionId();
            } else if (request instanceof AbortRequest abort) {
                rejection = abort(abort);
                decisionId = abort.decisionId();
            }
            outputs.add(new RequestOutcome(nextId(), before.applicationId(), now, RequestOutcome.SCHEMA_VERSION,
                    request.id(), EventTypes.forClass(request.getClass()).ceType(), request.operator(),
                    rejection == null, rejection == null ? acceptedAs : rejection, decisionId));
        }

        /** Null when the request may act on the current plan in the given phase, else why not. */
        private String requireCurrent(String decisionId, Phase... phases) {
            if (run == null || !run.decision().id().equals(decisionId)) {
                return "decision " + decisionId + " is not the current decision ("
                        + (run == null ? "none" : run.decision().id()) + ")";
            }
            for (Phase allowed : phases) {
                if (phase == allowed) {
                    return null;
                }
            }
            return "decision " + decisionId + " is " + phase + ", not " + List.of(phases);
        }

        private String manualFailover(ManualFailoverRequest request) {
            if (phase != Phase.STEADY) {
                return "a decision is " + phase + ": only abort, resume, skip (or approve/reject a proposal) now";
            }
            if (!policy.hasRegion(request.targetRegion())) {
                return request.targetRegion() + " is not a region of " + policy.applicationId();
            }
            if (request.targetRegion().equals(active)) {
                return request.targetRegion() + " is already active";
            }
            String unsafe = manualSafety(request.targetRegion(), request.overrideRules());
            if (unsafe != null) {
                return unsafe;
            }
            if (policy.twoPersonRule()) {
                proposeForApproval(DecisionKind.MANUAL_FAILOVER, request.mode(), request.targetRegion(), request,
                        request.overrideRules(), evidence(active), policy.plan());
                return null;
            }
            startPlan(DecisionKind.MANUAL_FAILOVER, request.mode(), active, request.targetRegion(), request.reason(),
                    request.operator(), request.id(), request.overrideRules(), evidence(active), policy.plan());
            return null;
        }

        private String failback(FailbackRequest request) {
            if (phase != Phase.STEADY) {
                return "a decision is " + phase + ": only abort, resume, skip (or approve/reject a proposal) now";
            }
            if (active.equals(policy.primaryRegion())) {
                return policy.primaryRegion() + " (the primary) is already active";
            }
            String unsafe = manualSafety(policy.primaryRegion(), request.overrideRules());
            if (unsafe != null) {
                return unsafe;
            }
            List<StepAction> plan = new ArrayList<>(policy.reprotectPlan());
            plan.addAll(policy.plan());
            if (policy.twoPersonRule()) {
                proposeForApproval(DecisionKind.FAILBACK, request.mode(), policy.primaryRegion(), request,
                        request.overrideRules(), List.of(), plan);
                return null;
            }
            startPlan(DecisionKind.FAILBACK, request.mode(), active, policy.primaryRegion(), request.reason(),
                    request.operator(), request.id(), request.overrideRules(), List.of(), plan);
            return null;
        }

        /** The rules a manual switch must pass unless overridden: the target is up, and not both are down. */
        private String manualSafety(String target, List<SafetyRule> overrides) {
            RegionHealth targetHealth = health(target);
            if (targetHealth == RegionHealth.DOWN && health(active) == RegionHealth.DOWN
                    && !overrides.contains(SafetyRule.NOT_BOTH_DOWN)) {
                return "both regions are down (override NOT_BOTH_DOWN to switch anyway)";
            }
            if (targetHealth != RegionHealth.UP && !overrides.contains(SafetyRule.STANDBY_HEALTHY)) {
                return target + " is " + targetHealth + ", not UP (override STANDBY_HEALTHY to switch anyway)";
            }
            return null;
        }

        private String approve(ApproveRequest request) {
            String rejection = requireCurrent(request.decisionId(), Phase.PROPOSED);
            if (rejection != null) {
                return rejection;
            }
            FailoverDecision proposal = run.decision();
            if (proposal.kind() != DecisionKind.AUTOMATIC_FAILOVER) {
                return approveRequested(proposal, request);
            }
            if (health(proposal.toRegion()) != RegionHealth.UP) {
                return proposal.toRegion() + " is no longer healthy; not executing the proposal";
            }
            recordAutomaticFailover();
            startPlan(proposal.kind(), proposal.mode(), proposal.fromRegion(), proposal.toRegion(),
                    "approved proposal " + proposal.id() + ": " + proposal.reason(), request.operator(), request.id(),
                    List.of(), proposal.evidence(), proposal.plan().stream().map(PlanStep::action).toList());
            return null;
        }

        /**
         * A manual switch asked for under the two-person rule: proposed, and executed only when a
         * second person approves it.
         */
        private void proposeForApproval(DecisionKind kind, FailoverMode mode, String target, OperatorRequest request,
                                        List<SafetyRule> overrides, List<Evidence> evidence,
                                        List<StepAction> actions) {
            FailoverDecision proposal = decision(kind, mode, DecisionStatus.PROPOSED, active, target,
                    request.reason() + awaitingSecondPerson(request.operator()), request.operator(), request.id(),
                    overrides, evidence, actions);
            outputs.add(proposal);
            lastDecisionId = proposal.id();
            run = PlanRun.start(proposal, pending(proposal));
            phase = Phase.PROPOSED;
            acceptedAs = "proposed; the two-person rule needs another approver: mrmctl approve "
                    + before.applicationId() + " " + proposal.id();
        }

        private static String awaitingSecondPerson(String asker) {
            return "; two-person rule: waiting for approval by an approver other than " + asker;
        }

        private String approveRequested(FailoverDecision proposal, ApproveRequest request) {
            if (proposal.requestedBy().equals(request.operator())) {
                return "two-person rule: " + request.operator() + " asked for this " + proposal.kind()
                        + " and cannot approve it; another approver must";
            }
            String unsafe = manualSafety(proposal.toRegion(), proposal.overriddenRules());
            if (unsafe != null) {
                return "not executing the proposal: " + unsafe;
            }
            // the asker's own words: the proposal's reason without the note this core appended to it
            String asked = proposal.reason();
            String note = awaitingSecondPerson(proposal.requestedBy());
            if (asked.endsWith(note)) {
                asked = asked.substring(0, asked.length() - note.length());
            }
            startPlan(proposal.kind(), proposal.mode(), proposal.fromRegion(), proposal.toRegion(),
                    "approved by " + request.operator() + " (two-person rule), asked by " + proposal.requestedBy()
                            + " (request " + proposal.requestId() + "): " + asked,
                    request.operator(), request.id(), proposal.overriddenRules(), proposal.evidence(),
                    proposal.plan().stream().map(PlanStep::action).toList());
            return null;
        }

        private String abort(AbortRequest request) {
            String rejection = requireCurrent(request.decisionId(), Phase.SWITCHING, Phase.PAUSED, Phase.PROPOSED);
            if (rejection != null) {
                return rejection;
            }
            for (int index : run.currentGroup()) {
                if (run.step(index).status() == StepStatus.RUNNING) {
                    run = run.with(finished(run.step(index), StepStatus.FAILED, "aborted by " + request.operator()))
                            .with(new PlanRun.StepTimer(index, null, null, run.timer(index).attemptLimit()));
                }
            }
            phase = Phase.STEADY;
            raised.add(SUPPRESSED);
            alert(AlertSeverity.WARNING, "PLAN_ABORTED", "decision " + request.decisionId() + " aborted by "
                    + request.operator() + ": " + request.reason() + "; steps already done stay done", null,
                    request.decisionId());
            return null;
        }

        // ---- outputs ----------------------------------------------------------------------

        private void raiseOnce(String key, AlertSeverity severity, String code, String message, SafetyRule rule) {
            if (raised.add(key)) {
                alert(severity, code, message, rule, null);
            }
        }

        private void alert(AlertSeverity severity, String code, String message, SafetyRule rule, String decisionId) {
            outputs.add(new Alert(nextId(), before.applicationId(), now, Alert.SCHEMA_VERSION, severity, code, message,
                    rule, decisionId));
        }

        private static boolean topologyChanged(ApplicationState a, ApplicationState b) {
            return a.epoch() != b.epoch() || !a.activeRegion().equals(b.activeRegion()) || a.phase() != b.phase()
                    || a.frozen() != b.frozen() || !Objects.equals(a.holdDownUntil(), b.holdDownUntil())
                    || !Objects.equals(a.lastDecisionId(), b.lastDecisionId())
                    || !Objects.equals(a.run() == null ? null : a.run().steps(),
                    b.run() == null ? null : b.run().steps());
        }

        private TopologyState topology(ApplicationState s) {
            return new TopologyState(nextId(), s.applicationId(), now, TopologyState.SCHEMA_VERSION, s.epoch(),
                    s.activeRegion(), s.standbyRegion(), s.phase(), s.frozen(), s.holdDownUntil(), s.lastDecisionId(),
                    s.run() == null ? List.of() : s.run().steps());
        }

        /** Deterministic: the same application and sequence number give the same id on replay. */
        private String nextId() {
            outputSeq++;
            return outputId(before.applicationId(), before.lineage(), outputSeq);
        }
    }
}
