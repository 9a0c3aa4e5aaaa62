package io.mrm.decision.domain;

import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.topology.TopologyState;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The decision engine's rules as a pure function: {@code step(state, input, now) → (state,
 * outputs)} and {@code tick(state, now)}. No I/O, no clock, no randomness: output ids derive from
 * the application and a per-application sequence, so replaying recorded inputs with their recorded
 * times reproduces the recorded outputs exactly.
 *
 * <p>The rules live in parts with one job each, applied to a {@link WorkingState}:
 * {@link HealthAssessment} (what the monitors say), {@link SafetyRules} (what every switch must pass),
 * {@link AutomaticFailover} (what the engine decides on its own, and the life of proposals),
 * {@link RequestHandling} (operators' requests), {@link PlanBuilder} and {@link PlanExecution} (plans),
 * {@link PendingFences} (fences a forced failover could not finish) and {@link Divergence} (where
 * things are after a plan stopped part-way).
 */
public final class DecisionCore {

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
     * @param input an observation, operator request, command acknowledgement or readiness report; or, for an application
     *              whose state was lost, the last topology the engine published for it: the state is then
     *              rebuilt from it (whatever {@code state} says)
     * @param now   the processing time, recorded in every output
     */
    public StepResult step(ApplicationState state, MrmEvent input, Instant now) {
        ApplicationPolicy policy = policy(input.applicationId());
        if (input instanceof TopologyState published) {
            // the host gives it only when the state was lost; a replay gives it where the engine did
            return Restore.from(policy, published, now);
        }
        WorkingState w =
                new WorkingState(policy, state == null ? ApplicationState.initial(policy, input.id()) : state, now);
        w.announce = state == null;
        w.catchingUp = input.time().plus(policy.staleAfter().dividedBy(2)).isBefore(now);
        if (input instanceof OperatorRequest request) {
            RequestAuthority.Refusal refusal = authenticate(w, request);
            if (refusal != null) {
                // Nothing else is evaluated: a refused request must not even advance time-driven rules.
                refuse(w, request, refusal);
                return w.result();
            }
            // a proposal past its timeout is gone before any request can act on it
            AutomaticFailover.expireIfDue(w);
            RequestHandling.onRequest(w, request);
        } else if (input instanceof HealthObservation observation) {
            w.refusal = HealthAssessment.take(w, observation);
        } else if (input instanceof CommandAck ack) {
            onAck(w, ack);
        } else if (input instanceof ReadinessReport report) {
            Readiness.take(w, report);
        }
        evaluate(w);
        return w.result();
    }

    /** The passing of time: staleness (of observations and readiness checks), step deadlines, due retries and fences, proposal expiry. */
    public StepResult tick(ApplicationState state, Instant now) {
        WorkingState w = new WorkingState(policy(state.applicationId()), state, now);
        evaluate(w);
        return w.result();
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

    private static void evaluate(WorkingState w) {
        HealthAssessment.watch(w);
        PlanExecution.checkTimers(w);
        Drills.checkTimers(w);
        PendingFences.retryDue(w);
        AutomaticFailover.evaluate(w);
        // after the decision: a view published in the same step shows what the decision saw
        Readiness.publishIfChanged(w);
    }

    /**
     * Every ack tells which epochs exist (its own, and the fence the actuator holds): no epoch at or
     * below them is issued again. A claim far above anything known is not believed (anyone who can
     * write an ack could otherwise exhaust the epochs).
     */
    private static void onAck(WorkingState w, CommandAck ack) {
        // a rehearsal's epoch is the drill's own (the current one, or 1 before any): only its fence tells news
        long claimed = Math.max(
                ack.step().rehearsing() ? 0 : ack.step().epoch(), ack.fenceEpoch() == null ? 0 : ack.fenceEpoch());
        if (claimed > w.highestEpochSeen + WorkingState.PLAUSIBLE_EPOCH_JUMP) {
            w.alertThrottled(
                    "IMPLAUSIBLE_FENCE_EPOCH",
                    HealthAssessment.SOURCE_ALERT_EVERY,
                    AlertCode.IMPLAUSIBLE_FENCE_EPOCH,
                    "ack " + ack.id() + " from " + ack.actuator() + " claims epoch " + claimed
                            + ", far above the highest known (" + w.highestEpochSeen + "); not believed");
        } else {
            w.epochSeen(claimed);
        }
        if (!Drills.onAck(w, ack) && !PendingFences.onAck(w, ack)) {
            PlanExecution.onAck(w, ack);
        }
    }

    private RequestAuthority.Refusal authenticate(WorkingState w, OperatorRequest request) {
        if (w.seenNonces.stream().anyMatch(n -> !w.now.isBefore(n.forgetAfter()))) {
            w.seenNonces = w.seenNonces.stream()
                    .filter(n -> w.now.isBefore(n.forgetAfter()))
                    .toList();
        }
        RequestAuthority.Refusal refusal = authority.check(request, w.now, w.seenNonces, keys);
        if (refusal == null && request.signature() != null) {
            java.util.List<SeenNonce> next = new java.util.ArrayList<>(w.seenNonces);
            next.add(new SeenNonce(request.operator(), request.signature().nonce(), authority.forgetAfter(request)));
            w.seenNonces = next;
        }
        return refusal;
    }

    /** A request refused before it was considered: the answer, and an alert someone should read. */
    private static void refuse(WorkingState w, OperatorRequest request, RequestAuthority.Refusal refusal) {
        String type = EventTypes.forClass(request.getClass()).ceType();
        w.alert(
                refusal.code(),
                "refused " + type + " " + request.id() + " claiming to be from '" + request.operator() + "': "
                        + refusal.reason(),
                null,
                null);
        w.outputs.add(new RequestOutcome(
                w.nextId(),
                w.applicationId(),
                w.now,
                RequestOutcome.SCHEMA_VERSION,
                request.id(),
                type,
                request.operator(),
                false,
                Texts.clip("refused: " + refusal.reason()),
                null));
    }
}
