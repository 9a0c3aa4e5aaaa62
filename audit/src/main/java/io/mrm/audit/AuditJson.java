package io.mrm.audit;

import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit as one JSON-ready tree of maps and lists (the adapter writes it): stable field names,
 * every field present (null when unknown), times as ISO-8601 strings, durations in milliseconds.
 */
public final class AuditJson {

    private AuditJson() {}

    public static Map<String, Object> tree(AuditReport report) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("application", report.query().application());
        query.put("from", time(report.query().from()));
        query.put("to", time(report.query().to()));
        json.put("query", query);
        json.put("generatedAt", time(report.generatedAt()));
        json.put("recordsRead", report.recordsRead());
        Map<String, Object> undecodable = new LinkedHashMap<>();
        undecodable.put("count", report.undecodable().size());
        List<Map<String, Object>> records = new ArrayList<>();
        for (Undecodable u : report.undecodable()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("topic", u.topic());
            r.put("partition", u.partition());
            r.put("offset", u.offset());
            r.put("reason", u.reason());
            records.add(r);
        }
        undecodable.put("records", records);
        json.put("undecodable", undecodable);
        Map<String, Object> deadLetters = new LinkedHashMap<>();
        deadLetters.put("count", report.deadLetterCount());
        deadLetters.put("byCategory", new LinkedHashMap<>(report.deadLetters()));
        json.put("deadLetters", deadLetters);
        json.put("notes", report.notes());
        List<Map<String, Object>> apps = new ArrayList<>();
        for (ApplicationAudit app : report.applications()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("application", app.application());
            a.put("deadLetters", app.deadLetters());
            a.put("runs", app.runs().stream().map(AuditJson::run).toList());
            a.put("between", app.between().stream().map(AuditJson::note).toList());
            apps.add(a);
        }
        json.put("applications", apps);
        return json;
    }

    public static Map<String, Object> run(FailoverRun run) {
        Map<String, Object> json = new LinkedHashMap<>();
        FailoverDecision d = run.described();
        json.put("decisionId", run.decisionId());
        json.put("kind", d == null ? null : d.kind().name());
        json.put("mode", d == null ? null : d.mode().name());
        json.put("fromRegion", d == null ? null : d.fromRegion());
        json.put("toRegion", d == null ? null : d.toRegion());
        json.put("epoch", d == null ? null : d.epoch());
        json.put("status", d == null ? null : d.status().name());
        json.put("decidedAt", d == null ? null : time(d.time()));
        json.put("reason", d == null ? null : d.reason());
        json.put(
                "overriddenRules",
                d == null
                        ? List.of()
                        : d.overriddenRules().stream().map(Enum::name).toList());

        Map<String, Object> trigger = new LinkedHashMap<>();
        FailoverDecision first = run.proposal() != null ? run.proposal() : d;
        trigger.put(
                "type",
                first == null
                        ? "unknown"
                        : FailoverDecision.ENGINE.equals(first.requestedBy()) ? "automatic" : "manual");
        trigger.put("requestedBy", first == null ? null : first.requestedBy());
        trigger.put("request", run.request() == null ? null : request(run.request()));
        trigger.put("evidence", run.evidence().stream().map(AuditJson::evidence).toList());
        trigger.put("detectionStart", detection(run.detectionStart()));
        json.put("trigger", trigger);

        FailoverDecision p = run.proposal();
        Map<String, Object> proposal = null;
        if (p != null) {
            proposal = new LinkedHashMap<>();
            proposal.put("decisionId", p.id());
            proposal.put("proposedAt", time(p.time()));
            proposal.put("epoch", p.epoch());
        }
        json.put("proposal", proposal);
        json.put("verdict", run.verdict() == null ? null : request(run.verdict()));
        json.put("steps", run.steps().stream().map(AuditJson::step).toList());
        json.put(
                "interventions",
                run.interventions().stream().map(AuditJson::request).toList());
        json.put("alerts", run.alerts().stream().map(AuditJson::alert).toList());
        json.put("outcome", run.outcome().name());
        json.put("outcomeAt", time(run.outcomeAt()));
        json.put("activeRegion", run.activeRegion());
        json.put("switchedAt", time(run.switchedAt()));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("detectionMs", run.figures().detectionMs());
        figures.put("approvalWaitMs", run.figures().approvalWaitMs());
        figures.put("switchMs", run.figures().switchMs());
        figures.put("rtoMs", run.figures().rtoMs());
        if (run.figures().drill()) {
            figures.put("drillStepsMs", run.figures().drillStepsMs());
            figures.put("predictedRtoMs", run.figures().predictedRtoMs());
            figures.put("lastRealRtoMs", run.figures().lastRealRtoMs());
        }
        json.put("figures", figures);
        return json;
    }

    static Map<String, Object> step(StepTrace s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", s.index() + 1);
        json.put("action", s.action() == null ? null : s.action().name());
        json.put("region", s.region());
        json.put("outcome", s.outcome().name());
        json.put("retries", s.retries());
        json.put("finishedAt", time(s.finishedAt()));
        json.put("note", s.note());
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (StepAttempt a : s.attempts()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("attempt", a.attempt());
            j.put("commandId", a.commandId());
            j.put("sentAt", time(a.sentAt()));
            j.put("deadline", time(a.deadline()));
            j.put("ackOutcome", a.ackOutcome() == null ? null : a.ackOutcome().name());
            j.put("ackAt", time(a.ackAt()));
            j.put("durationMs", a.durationMs());
            j.put("errorCode", a.errorCode());
            j.put("detail", a.detail());
            j.put("observed", a.observed());
            attempts.add(j);
        }
        json.put("attempts", attempts);
        return json;
    }

    static Map<String, Object> note(TimelineNote note) {
        return note instanceof RequestTrace t ? request(t) : alert((AlertTrace) note);
    }

    static Map<String, Object> request(RequestTrace t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", "request");
        json.put("type", t.type());
        json.put("requestId", t.requestId());
        json.put("operator", t.operator());
        json.put("time", time(t.time()));
        json.put("reason", t.reason());
        json.put("decisionId", t.decisionId());
        json.put("step", t.stepIndex() == null ? null : t.stepIndex() + 1);
        json.put("overrides", t.overrides().stream().map(Enum::name).toList());
        json.put("accepted", t.accepted());
        json.put("answer", t.answer());
        json.put("answeredAt", time(t.answeredAt()));
        return json;
    }

    static Map<String, Object> alert(AlertTrace a) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", "alert");
        json.put("id", a.id());
        json.put("time", time(a.time()));
        json.put("severity", a.severity() == null ? null : a.severity().name());
        json.put("code", a.code());
        json.put("message", a.message());
        json.put("rule", a.rule() == null ? null : a.rule().name());
        json.put("decisionId", a.decisionId());
        return json;
    }

    static Map<String, Object> evidence(Evidence e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("observationId", e.observationId());
        json.put("region", e.region());
        json.put("component", e.component());
        json.put("vantage", e.vantage());
        json.put("status", e.status().name());
        json.put("observedAt", time(e.observedAt()));
        json.put("detail", e.detail());
        return json;
    }

    static Map<String, Object> detection(DetectionStart s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", time(s.time()));
        json.put("observationId", s.observationId());
        json.put("region", s.region());
        json.put("component", s.component());
        json.put("vantage", s.vantage());
        json.put("source", s.fromObservations() ? "observations" : "evidence");
        json.put("mayBeEarlier", s.mayBeEarlier());
        return json;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
