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
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The decision engine's rules as a pure function: {@code step(state, input, now) → (state,
 * outputs)}. No I/O, no clock, no randomness: output ids derive from the application and a
 * per-application sequence, so replaying recorded inputs with their recorded times reproduces the
 * recorded outputs exactly.
 *
 * <p>This is the walking skeleton's core: per-vantage consecutive-failure counting with a quorum,
 * an automatic (forced) failover when the active region goes down and the standby is not down, a
 * plan executed step by step on acknowledgements with bounded retries, and a pause with an alert
 * when a step fails. Safety rules, hysteresis, staleness, ticks and operator requests come with the
 * decision-engine issue.
 */
public final class DecisionCore {

    private final Map<String, ApplicationPolicy> policies;

    public DecisionCore(Map<String, ApplicationPolicy> policies) {
        this.policies = Map.copyOf(policies);
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
        Step step = new Step(policy, state == null ? ApplicationState.initial(policy) : state, now);
        if (input instanceof HealthObservation observation) {
            step.onObservation(observation);
        } else if (input instanceof CommandAck ack) {
            step.onAck(ack);
        } else if (input instanceof OperatorRequest request) {
            step.onRequest(request);
        }
        return step.result();
    }

    /** One application of the rules: starts from a state, collects outputs, ends in the next state. */
    private static final class Step {
        private final ApplicationPolicy policy;
        private final Instant now;
        private final List<MrmEvent> outputs = new ArrayList<>();
        private ApplicationState state;

        Step(ApplicationPolicy policy, ApplicationState state, Instant now) {
            this.policy = policy;
            this.state = state;
            this.now = now;
        }

        StepResult result() {
            return new StepResult(state, outputs);
        }

        // ---- observations -------------------------------------------------------------------

        void onObservation(HealthObservation observation) {
            if (!observation.region().equals(policy.primaryRegion())
                    && !observation.region().equals(policy.standbyRegion())) {
                return;
            }
            boolean activeWasDown = regionDown(state.activeRegion());
            state = withCounters(count(state.counters(), observation));
            if (!activeWasDown && regionDown(state.activeRegion()) && state.phase() == Phase.STEADY) {
                if (regionDown(state.standbyRegion())) {
                    alert(AlertSeverity.CRITICAL, "BOTH_REGIONS_DOWN", "both " + state.activeRegion() + " and "
                            + state.standbyRegion() + " are down: not failing over", SafetyRule.NOT_BOTH_DOWN, null);
                } else {
                    decideAutomaticFailover();
                }
            }
        }

        private static List<HealthCounter> count(List<HealthCounter> counters, HealthObservation o) {
            List<HealthCounter> next = new ArrayList<>(counters.size() + 1);
            HealthCounter previous = null;
            for (HealthCounter counter : counters) {
                if (counter.sameSource(o.region(), o.component(), o.vantage())) {
                    previous = counter;
                } else {
                    next.add(counter);
                }
            }
            int failures = previous == null ? 0 : previous.consecutiveFailures();
            int successes = previous == null ? 0 : previous.consecutiveSuccesses();
            boolean down = o.status() == HealthStatus.DOWN;
            next.add(new HealthCounter(o.region(), o.component(), o.vantage(), down ? failures + 1 : 0,
                    down ? 0 : successes + 1, o.status(), o.time(), o.id(), o.detail()));
            return next;
        }

        /** A region is down when some health component is seen failing by at least {@code quorum} vantages. */
        private boolean regionDown(String region) {
            for (String component : policy.healthComponents()) {
                if (failingVantages(region, component).size() >= policy.quorum()) {
                    return true;
                }
            }
            return false;
        }

        private List<HealthCounter> failingVantages(String region, String component) {
            return state.counters().stream()
                    .filter(c -> c.region().equals(region) && c.component().equals(component))
                    .filter(c -> c.consecutiveFailures() >= policy.failureThreshold())
                    .toList();
        }

        private void decideAutomaticFailover() {
            String from = state.activeRegion();
            String to = state.standbyRegion();
            List<Evidence> evidence = new ArrayList<>();
            for (String component : policy.healthComponents()) {
                for (HealthCounter c : failingVantages(from, component)) {
                    evidence.add(new Evidence(c.lastObservationId(), c.region(), c.component(), c.vantage(),
                            c.lastStatus(), c.lastSeen(), c.consecutiveFailures() + " consecutive failures"
                            + (c.lastDetail() == null ? "" : ": " + c.lastDetail())));
                }
            }
            startPlan(DecisionKind.AUTOMATIC_FAILOVER, FailoverMode.FORCED, from, to,
                    from + " is down (seen by " + evidence.size() + " of quorum " + policy.quorum() + ")",
                    FailoverDecision.ENGINE, null, evidence);
        }

        // ---- plans ------------------------------------------------------------------------

        private void startPlan(DecisionKind kind, FailoverMode mode, String from, String to, String reason,
                               String requestedBy, String requestId, List<Evidence> evidence) {
            List<PlanStep> plan = new ArrayList<>();
            for (StepAction action : policy.plan()) {
                if (mode == FailoverMode.FORCED && action.needsSourceRegion()) {
                    continue;
                }
                plan.add(planStep(plan.size(), action, from, to));
            }
            long epoch = state.epoch() + 1;
            FailoverDecision decision = new FailoverDecision(nextId(), state.applicationId(), now,
                    FailoverDecision.SCHEMA_VERSION, epoch, kind, mode, DecisionStatus.EXECUTING, from, to, reason,
                    requestedBy, requestId, List.<SafetyRule>of(), evidence, plan);
            List<StepProgress> progress = new ArrayList<>();
            for (PlanStep planStep : plan) {
                progress.add(new StepProgress(planStep.index(), planStep.action(), planStep.region(),
                        StepStatus.PENDING, 0, null, null, null));
            }
            outputs.add(decision);
            state = new ApplicationState(state.applicationId(), epoch, state.activeRegion(), state.standbyRegion(),
                    Phase.SWITCHING, state.frozen(), state.holdDownUntil(), decision.id(), state.counters(),
                    new PlanRun(decision, progress), state.outputSeq());
            sendStep(0, 1);
            publishTopology();
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
                    policy.stepTimeout().toMillis(), policy.stepMaxAttempts());
        }

        private void sendStep(int index, int attempt) {
            PlanRun run = state.run();
            PlanStep planStep = run.decision().plan().get(index);
            StepRef ref = new StepRef(run.decision().id(), state.epoch(), index, attempt,
                    now.plusMillis(planStep.timeoutMs()));
            outputs.add(StepCommands.forStep(nextId(), state.applicationId(), now, planStep, ref));
            StepProgress current = run.steps().get(index);
            setRun(run.with(new StepProgress(index, current.action(), current.region(), StepStatus.RUNNING, attempt,
                    current.startedAt() == null ? now : current.startedAt(), null, current.detail())));
        }

        void onAck(CommandAck ack) {
            PlanRun run = state.run();
            if (run == null || state.phase() != Phase.SWITCHING
                    || !ack.step().decisionId().equals(run.decision().id())
                    || ack.step().epoch() != state.epoch()
                    || ack.step().stepIndex() != run.currentIndex()) {
                return; // late, duplicate or foreign: the plan has moved on
            }
            StepProgress current = run.steps().get(ack.step().stepIndex());
            if (ack.step().attempt() != current.attempts()) {
                return; // an earlier attempt's answer
            }
            PlanStep planStep = run.decision().plan().get(current.index());
            String detail = ack.outcome() + (ack.detail() == null ? "" : ": " + ack.detail());
            if (ack.outcome() == AckOutcome.SUCCEEDED) {
                setRun(run.with(finished(current, StepStatus.SUCCEEDED, detail)));
                int next = state.run().currentIndex();
                if (next >= 0) {
                    sendStep(next, 1);
                } else {
                    complete();
                }
            } else if (ack.outcome() == AckOutcome.FAILED_RETRIABLE && current.attempts() < planStep.maxAttempts()) {
                setRun(run.with(new StepProgress(current.index(), current.action(), current.region(),
                        StepStatus.RUNNING, current.attempts(), current.startedAt(), null, detail)));
                sendStep(current.index(), current.attempts() + 1);
            } else {
                setRun(run.with(finished(current, StepStatus.FAILED, detail)));
                state = withPhase(Phase.PAUSED);
                alert(AlertSeverity.CRITICAL, ack.outcome() == AckOutcome.REJECTED_STALE ? "STALE_EPOCH" : "PLAN_PAUSED",
                        "step " + current.index() + " (" + current.action() + " " + current.region() + ") failed after "
                                + current.attempts() + " attempt(s): " + detail, null, run.decision().id());
            }
            publishTopology();
        }

        private StepProgress finished(StepProgress step, StepStatus status, String detail) {
            return new StepProgress(step.index(), step.action(), step.region(), status, step.attempts(),
                    step.startedAt(), now, detail);
        }

        private void complete() {
            FailoverDecision decision = state.run().decision();
            state = new ApplicationState(state.applicationId(), state.epoch(), decision.toRegion(),
                    decision.fromRegion(), Phase.STEADY, state.frozen(), state.holdDownUntil(),
                    state.lastDecisionId(), state.counters(), state.run(), state.outputSeq());
        }

        // ---- operator requests ------------------------------------------------------------

        void onRequest(OperatorRequest request) {
            outputs.add(new RequestOutcome(nextId(), state.applicationId(), now, RequestOutcome.SCHEMA_VERSION,
                    request.id(), EventTypes.forClass(request.getClass()).ceType(), request.operator(), false,
                    "operator requests are not executed by this engine version yet", null));
        }

        // ---- outputs ----------------------------------------------------------------------

        private void alert(AlertSeverity severity, String code, String message, SafetyRule rule, String decisionId) {
            outputs.add(new Alert(nextId(), state.applicationId(), now, Alert.SCHEMA_VERSION, severity, code, message,
                    rule, decisionId));
        }

        private void publishTopology() {
            PlanRun run = state.run();
            outputs.add(new TopologyState(nextId(), state.applicationId(), now, TopologyState.SCHEMA_VERSION,
                    state.epoch(), state.activeRegion(), state.standbyRegion(), state.phase(), state.frozen(),
                    state.holdDownUntil(), state.lastDecisionId(), run == null ? List.of() : run.steps()));
        }

        /** Deterministic: the same application and sequence number give the same id on replay. */
        private String nextId() {
            long seq = state.outputSeq() + 1;
            state = new ApplicationState(state.applicationId(), state.epoch(), state.activeRegion(),
                    state.standbyRegion(), state.phase(), state.frozen(), state.holdDownUntil(),
                    state.lastDecisionId(), state.counters(), state.run(), seq);
            return UUID.nameUUIDFromBytes((state.applicationId() + "/" + seq).getBytes(StandardCharsets.UTF_8))
                    .toString();
        }

        private void setRun(PlanRun run) {
            state = new ApplicationState(state.applicationId(), state.epoch(), state.activeRegion(),
                    state.standbyRegion(), state.phase(), state.frozen(), state.holdDownUntil(),
                    state.lastDecisionId(), state.counters(), run, state.outputSeq());
        }

        private ApplicationState withPhase(Phase phase) {
            return new ApplicationState(state.applicationId(), state.epoch(), state.activeRegion(),
                    state.standbyRegion(), phase, state.frozen(), state.holdDownUntil(), state.lastDecisionId(),
                    state.counters(), state.run(), state.outputSeq());
        }

        private ApplicationState withCounters(List<HealthCounter> counters) {
            return new ApplicationState(state.applicationId(), state.epoch(), state.activeRegion(),
                    state.standbyRegion(), state.phase(), state.frozen(), state.holdDownUntil(),
                    state.lastDecisionId(), counters, state.run(), state.outputSeq());
        }
    }
}
