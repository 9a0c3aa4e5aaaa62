package io.mrm.audit;

import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepCommand;
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
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.SafetyRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the records of a scenario, each with the topic and offset it would have had. */
final class AuditFixtures {

    static final String APP = "orders";
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final TopicNames NAMES = TopicNames.defaults();

    final List<AuditRecord> records = new ArrayList<>();
    private final Map<String, Long> offsets = new HashMap<>();

    static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    <E extends MrmEvent> E add(E event) {
        String topic = NAMES.of(EventTypes.forClass(event.getClass()).topic());
        long offset = offsets.merge(topic, 1L, Long::sum) - 1;
        records.add(new AuditRecord(topic, 0, offset, event));
        return event;
    }

    HealthObservation observe(String id, long ms, String region, String vantage, HealthStatus status) {
        return add(new HealthObservation(
                id,
                APP,
                at(ms),
                1,
                region,
                "app",
                ProbeKind.HTTP,
                vantage,
                status,
                5L,
                status == HealthStatus.DOWN ? "HTTP 503" : null));
    }

    static Evidence evidence(HealthObservation o) {
        return new Evidence(
                o.id(), o.region(), o.component(), o.vantage(), o.status(), o.time(), "2 consecutive failures");
    }

    static List<PlanStep> plan(StepAction... actions) {
        List<PlanStep> plan = new ArrayList<>();
        for (StepAction action : actions) {
            plan.add(new PlanStep(plan.size(), action, "us10", null, 30_000, 3, false));
        }
        return plan;
    }

    FailoverDecision decide(
            String id,
            long ms,
            long epoch,
            DecisionKind kind,
            DecisionStatus status,
            String reason,
            String requestedBy,
            String requestId,
            List<SafetyRule> overrides,
            List<Evidence> evidence,
            List<PlanStep> plan) {
        return add(new FailoverDecision(
                id,
                APP,
                at(ms),
                1,
                epoch,
                kind,
                kind == DecisionKind.AUTOMATIC_FAILOVER ? FailoverMode.FORCED : FailoverMode.GRACEFUL,
                status,
                "eu10",
                "us10",
                reason,
                requestedBy,
                requestId,
                overrides,
                evidence,
                plan));
    }

    StepCommand command(String id, long ms, FailoverDecision d, int step, int attempt) {
        StepRef ref = new StepRef(d.id(), d.epoch(), step, attempt, at(ms + 30_000));
        StepAction action = d.plan().get(step).action();
        return add(
                switch (action) {
                    case DNS_ROUTE -> new DnsRouteCommand(id, APP, at(ms), 1, ref, "us10");
                    case DNS_VERIFY -> new DnsVerifyCommand(id, APP, at(ms), 1, ref, "us10");
                    case DATA_PROMOTE -> new DataPromoteCommand(id, APP, at(ms), 1, ref, "us10");
                    case EVENTS_SET_ACTIVE ->
                        new EventsSetRoleCommand(id, APP, at(ms), 1, ref, "us10", ReplicationRole.ACTIVE);
                    default -> throw new IllegalArgumentException(action.name());
                });
    }

    CommandAck ack(StepCommand command, long ms, AckOutcome outcome, String errorCode, String detail, long duration) {
        return add(Acks.of(command, outcome, errorCode, detail, duration, Map.of("target", "us10"), at(ms)));
    }

    <R extends OperatorRequest> R request(R request) {
        return add(request);
    }

    RequestOutcome answer(OperatorRequest request, long ms, boolean accepted, String reason, String decisionId) {
        return add(new RequestOutcome(
                "out-" + request.id(),
                APP,
                at(ms),
                1,
                request.id(),
                EventTypes.forClass(request.getClass()).ceType(),
                request.operator(),
                accepted,
                reason,
                decisionId));
    }

    Alert alert(String id, long ms, String code, String message, String decisionId) {
        return add(new Alert(id, APP, at(ms), 1, AlertSeverity.CRITICAL, code, message, null, decisionId));
    }

    AuditReport report() {
        return report(AuditQuery.ALL);
    }

    AuditReport report(AuditQuery query) {
        return new AuditTimeline(query).addAll(records).report(at(3_600_000));
    }

    /** An automatic failover eu10 → us10: two vantage points see eu10 fail, a retried route, a verify. */
    static AuditFixtures automaticFailover() {
        AuditFixtures f = new AuditFixtures();
        f.observe("o-v1-1", 0, "eu10", "vantage-1", HealthStatus.UP);
        f.observe("o-v2-1", 200, "eu10", "vantage-2", HealthStatus.UP);
        f.observe("o-v1-2", 1_000, "eu10", "vantage-1", HealthStatus.DOWN);
        f.observe("o-v2-2", 1_500, "eu10", "vantage-2", HealthStatus.DOWN);
        HealthObservation v1 = f.observe("o-v1-3", 2_000, "eu10", "vantage-1", HealthStatus.DOWN);
        HealthObservation v2 = f.observe("o-v2-3", 2_500, "eu10", "vantage-2", HealthStatus.DOWN);
        FailoverDecision d = f.decide(
                "d-auto",
                3_000,
                1,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.EXECUTING,
                "eu10 is down (seen by 2 vantage points, quorum 2)",
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(evidence(v1), evidence(v2)),
                plan(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY));
        StepCommand route1 = f.command("c-route-1", 3_000, d, 0, 1);
        f.ack(route1, 3_200, AckOutcome.FAILED_RETRIABLE, "Throttling", "rate exceeded", 180);
        StepCommand route2 = f.command("c-route-2", 3_500, d, 0, 2);
        f.ack(route2, 3_700, AckOutcome.SUCCEEDED, null, "routed to us10", 150);
        StepCommand verify = f.command("c-verify-1", 3_700, d, 1, 1);
        f.ack(verify, 4_000, AckOutcome.SUCCEEDED, null, "answers from us10", 250);
        return f;
    }
}
