package io.mrm.audit;

import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The audit as text: a header, then per application its runs as blocks with the events between. */
public final class AuditText {

    private AuditText() {}

    private static final java.util.regex.Pattern SUB_MILLIS =
            java.util.regex.Pattern.compile("(T\\d{2}:\\d{2}:\\d{2}\\.\\d{3})\\d+Z");

    public static String render(AuditReport report) {
        return millis(String.join("\n", lines(report)) + "\n");
    }

    /** Shows times to the millisecond (figures are computed at full precision): shorter lines at 3 a.m. */
    static String millis(String text) {
        return SUB_MILLIS.matcher(text).replaceAll("$1Z");
    }

    public static List<String> lines(AuditReport report) {
        List<String> out = new ArrayList<>(header(report));
        if (report.applications().isEmpty()) {
            out.add("");
            out.add("no events of "
                    + (report.query().application() == null
                            ? "any application"
                            : report.query().application()) + " in the range read");
        }
        for (ApplicationAudit app : report.applications()) {
            out.add("");
            out.add("== " + app.application() + ": " + plural(app.runs().size(), "failover run") + ", "
                    + plural(app.between().size(), "other event") + ", " + plural(app.deadLetters(), "dead letter")
                    + " ==");
            int runNumber = 0;
            int next = 0;
            List<TimelineNote> between = app.between();
            for (FailoverRun run : app.runs()) {
                Instant start = run.start();
                while (next < between.size()
                        && (start == null || !between.get(next).time().isAfter(start))) {
                    out.add(note(between.get(next++)));
                }
                out.add("");
                out.addAll(run(run, ++runNumber));
                out.add("");
            }
            while (next < between.size()) {
                out.add(note(between.get(next++)));
            }
        }
        return out;
    }

    static List<String> header(AuditReport report) {
        List<String> out = new ArrayList<>();
        AuditQuery q = report.query();
        out.add("MRM audit of " + (q.application() == null ? "all applications" : q.application()) + ", "
                + (q.from() == null ? "from the beginning" : "from " + q.from()) + " to "
                + (q.to() == null ? "the end" : q.to().toString()) + " (made " + report.generatedAt() + ")");
        out.add("read " + plural(report.recordsRead(), "record") + "; "
                + report.undecodable().size()
                + " undecodable; " + plural(report.deadLetterCount(), "dead letter")
                + (report.deadLetters().isEmpty() ? "" : " " + report.deadLetters()));
        for (Undecodable u :
                report.undecodable().subList(0, Math.min(5, report.undecodable().size()))) {
            out.add("  undecodable " + u.topic() + "/" + u.partition() + "@" + u.offset() + ": " + u.reason());
        }
        if (report.undecodable().size() > 5) {
            out.add("  ... and " + (report.undecodable().size() - 5) + " more undecodable");
        }
        for (String note : report.notes()) {
            out.add("note: " + note);
        }
        return out;
    }

    /** One block: title, trigger, decision, steps, interventions, alerts, outcome, figures. */
    public static List<String> run(FailoverRun run, int number) {
        List<String> out = new ArrayList<>();
        out.add("-- run " + number + ": " + title(run) + " --");
        for (String line : trigger(run)) {
            out.add("  " + line);
        }
        out.add("  decision   " + decision(run));
        out.add("  steps");
        for (StepTrace step : run.steps()) {
            out.add("    " + step(step));
            for (StepAttempt a : step.attempts()) {
                out.add("        " + attempt(a));
            }
        }
        for (RequestTrace t : run.interventions()) {
            out.add("  operator   " + request(t));
        }
        for (AlertTrace a : run.alerts()) {
            out.add("  alert      " + alert(a));
        }
        out.add("  outcome    " + outcome(run));
        out.add("  figures    " + figures(run.figures()));
        return out;
    }

    /** "AUTOMATIC_FAILOVER eu10 → us10: FINISHED, us10 active". */
    public static String title(FailoverRun run) {
        FailoverDecision d = run.described();
        String what = d == null
                ? "decision " + run.decisionId() + " (not in the records read)"
                : d.kind() + " " + d.fromRegion() + " → " + d.toRegion();
        return what + ": " + run.outcome() + (run.activeRegion() == null ? "" : ", " + run.activeRegion() + " active");
    }

    public static List<String> trigger(FailoverRun run) {
        List<String> out = new ArrayList<>();
        FailoverDecision d = run.described();
        FailoverDecision p = run.proposal();
        if (d != null && FailoverDecision.ENGINE.equals((p != null ? p : d).requestedBy())) {
            FailoverDecision first = p != null ? p : d;
            out.add("trigger    automatic (engine): " + first.reason());
        } else if (run.request() != null) {
            RequestTrace r = run.request();
            out.add("trigger    " + r.type() + " requested by " + r.operator() + " at " + r.time()
                    + " (request " + r.requestId() + ")" + (r.reason() == null ? "" : ", reason: " + r.reason())
                    + (r.overrides().isEmpty() ? "" : ", overriding " + r.overrides()));
        } else if (d == null) {
            out.add("trigger    unknown (the decision is not in the records read)");
        } else {
            out.add("trigger    requested by " + d.requestedBy() + ": " + d.reason());
        }
        for (Evidence e : run.evidence()) {
            out.add("evidence   " + e.region() + "/" + e.component() + " seen " + e.status() + " by " + e.vantage()
                    + " at " + e.observedAt() + (e.detail() == null ? "" : " (" + e.detail() + ")")
                    + ", observation " + e.observationId());
        }
        DetectionStart s = run.detectionStart();
        if (s != null) {
            out.add("detection  " + (s.fromObservations() ? "first failing observation " : "from the evidence only ")
                    + (s.mayBeEarlier() ? "at or before " : "at ") + s.time() + " (" + s.region() + "/"
                    + s.component() + " by " + s.vantage() + ", observation " + s.observationId() + ")"
                    + (s.mayBeEarlier() ? "; the streak may have begun before the first record read" : ""));
        }
        if (p != null) {
            boolean asked = !FailoverDecision.ENGINE.equals(p.requestedBy());
            out.add("proposal   " + p.id() + " at " + p.time()
                    + (asked
                            ? " (two-person rule: waits for an approver other than " + p.requestedBy() + ")"
                            : " (mode MANUAL: waits for an approver)"));
        }
        RequestTrace v = run.verdict();
        if (v != null) {
            String verb = "reject".equals(v.type()) ? "rejected" : "approved";
            out.add("verdict    " + verb + " by " + v.operator() + " at "
                    + (v.answeredAt() != null ? v.answeredAt() : v.time())
                    + (v.requestId() == null ? "" : " (request " + v.requestId() + ")")
                    + (v.reason() == null ? "" : ", reason: " + v.reason()));
        }
        return out;
    }

    public static String decision(FailoverRun run) {
        FailoverDecision d = run.decision() != null ? run.decision() : run.proposal();
        if (d == null) {
            return run.decisionId() + " (not in the records read; known from its commands and acks)";
        }
        String mode = d.drainsFirst()
                ? "GRACEFUL first (within " + java.time.Duration.ofMillis(d.drainWithinMs()) + "), else " + d.mode()
                : d.mode().toString();
        return d.id() + " " + d.kind() + " " + mode + " " + d.fromRegion() + " → " + d.toRegion() + ", epoch "
                + d.epoch() + ", " + d.status() + " at " + d.time()
                + (d.overriddenRules().isEmpty() ? "" : ", overridden " + d.overriddenRules());
    }

    public static String step(StepTrace s) {
        String line =
                (s.index() + 1) + " " + s.action() + (s.region() == null ? "" : " " + s.region()) + ": " + s.outcome();
        if (s.retries() > 0) {
            line += " after " + plural(s.retries(), "retry", "retries");
        }
        if (s.finishedAt() != null) {
            line += " at " + s.finishedAt();
        }
        return s.note() == null ? line : line + " (" + s.note() + ")";
    }

    public static String attempt(StepAttempt a) {
        String sent = a.commandSeen()
                ? "command " + a.commandId() + " sent " + a.sentAt()
                : "command " + a.commandId() + " (not in the records read)";
        String ack = !a.acknowledged()
                ? "no ack read"
                : "ack " + a.ackOutcome() + " at " + a.ackAt() + " (" + a.durationMs() + " ms)"
                        + (a.errorCode() == null ? "" : " " + a.errorCode())
                        + (a.detail() == null ? "" : ": " + a.detail());
        return "attempt " + a.attempt() + ": " + sent + "; " + ack;
    }

    public static String request(RequestTrace t) {
        return request(t, true);
    }

    static String request(RequestTrace t, boolean withTime) {
        String verdict = t.accepted() == null
                ? "no answer read"
                : t.accepted()
                        ? "accepted" + (t.answer() == null || t.answer().equals("accepted") ? "" : ": " + t.answer())
                        : "REJECTED: " + t.answer();
        return t.type() + " by " + t.operator() + (withTime ? " at " + t.time() : "") + " (request " + t.requestId()
                + (t.decisionId() == null ? "" : ", decision " + t.decisionId())
                + (t.stepIndex() == null ? "" : ", step " + (t.stepIndex() + 1)) + "): " + verdict
                + (t.reason() == null ? "" : "; reason: " + t.reason())
                + (t.overrides().isEmpty() ? "" : "; overriding " + t.overrides());
    }

    public static String alert(AlertTrace a) {
        return a.severity() + " " + a.code() + " at " + a.time() + ": " + a.message()
                + (a.rule() == null ? "" : " (rule " + a.rule() + ")");
    }

    public static String note(TimelineNote n) {
        if (n instanceof RequestTrace t) {
            return n.time() + "  request " + request(t, false);
        }
        return n.time() + "  alert " + alert((AlertTrace) n);
    }

    public static String outcome(FailoverRun run) {
        String at = run.outcomeAt() == null ? "" : " at " + run.outcomeAt();
        return switch (run.outcome()) {
            case FINISHED ->
                "FINISHED" + at + (run.activeRegion() == null ? "" : ": " + run.activeRegion() + " is active");
            case PAUSED -> "PAUSED" + at + " on a failed step: resume, skip or abort it";
            case ABORTED -> "ABORTED" + at + "; steps already done stay done";
            case REJECTED -> "REJECTED proposal" + at + ": nothing was switched";
            case WITHDRAWN -> "WITHDRAWN proposal" + at + ": the active region came back";
            case AWAITING_APPROVAL -> "AWAITING APPROVAL: approve or reject " + run.decisionId();
            case RUNNING -> "STILL RUNNING (as of the last record read)";
            case UNKNOWN -> "UNKNOWN: a later decision exists, but the records read do not say how this run ended";
            case DRILL_COMPLETED -> "DRILL COMPLETED" + at + ": every step would succeed; nothing was switched";
            case DRILL_FAILED -> "DRILL FAILED" + at + ": some steps would fail (see above); nothing was switched";
            case DRILL_CANCELLED -> "DRILL CANCELLED" + at + "; nothing was switched";
        };
    }

    public static String figures(Figures f) {
        if (f.drill()) {
            return "predicted RTO " + ms(f.predictedRtoMs()) + " = "
                    + (f.detectionMs() == null
                            ? "steps " + ms(f.drillStepsMs()) + " (no automatic failover read: detection not known)"
                            : "detection " + ms(f.detectionMs()) + " (the last automatic failover's) + steps "
                                    + ms(f.drillStepsMs()))
                    + "; last real run's measured RTO " + ms(f.lastRealRtoMs());
        }
        List<String> parts = new ArrayList<>();
        parts.add("detection " + ms(f.detectionMs()));
        if (f.approvalWaitMs() != null) {
            parts.add("waiting for approval " + ms(f.approvalWaitMs()));
        }
        parts.add("decision → switched " + ms(f.switchMs()));
        parts.add("RTO (first failing observation → switched) " + ms(f.rtoMs()));
        return String.join("; ", parts);
    }

    static String ms(Long ms) {
        if (ms == null) {
            return "n/a";
        }
        return ms < 1000 ? ms + " ms" : ms + " ms (" + String.format(Locale.ROOT, "%.1f", ms / 1000.0) + " s)";
    }

    static String plural(long n, String one) {
        return plural(n, one, one + "s");
    }

    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
