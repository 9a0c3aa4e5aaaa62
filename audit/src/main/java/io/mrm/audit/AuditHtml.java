package io.mrm.audit;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.decision.FailoverDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The audit as one self-contained HTML file: inline CSS, an inline SVG timeline per run (a bar per
 * step attempt on a time axis from detection start to switch), no script, font or URL. Every text
 * that comes from an event is escaped.
 */
public final class AuditHtml {

    static final int LABEL_WIDTH = 230;
    static final int CHART_WIDTH = 640;
    static final int ROW = 22;
    static final int TOP = 34;

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d8dde6}
            h3{font-size:15px;margin:0 0 8px}.meta{color:#4a5568;margin:2px 0}
            article{border:1px solid #d8dde6;border-left:6px solid #718096;border-radius:4px;padding:12px 14px;margin:14px 0}
            article.FINISHED{border-left-color:#2f855a}article.PAUSED,article.ABORTED{border-left-color:#c53030}
            article.RUNNING,article.AWAITING_APPROVAL{border-left-color:#d69e2e}
            dl{display:grid;grid-template-columns:110px 1fr;gap:2px 10px;margin:8px 0}dt{font-weight:600;color:#4a5568}dd{margin:0}
            table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #e2e8f0;padding:3px 6px;text-align:left;vertical-align:top}
            th{background:#f7fafc}.SUCCEEDED{color:#2f855a}.FAILED,.FAILED_FATAL,.REJECTED_STALE,.VETOED{color:#c53030}
            .FAILED_RETRIABLE,.RUNNING{color:#b7791f}ul.notes{list-style:none;padding:0;margin:6px 0}
            ul.notes li{padding:2px 0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
            .rejected{color:#c53030}svg{display:block;margin:6px 0;max-width:100%;height:auto}
            svg text{font:11px system-ui,sans-serif;fill:#2d3748}code{font-size:12.5px}
            """;

    private AuditHtml() {}

    public static String render(AuditReport report) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>MRM audit")
                .append(
                        report.query().application() == null
                                ? ""
                                : " of " + esc(report.query().application()))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>MRM audit</h1>\n");
        for (String line : AuditText.header(report)) {
            h.append("<p class=\"meta\">").append(esc(line)).append("</p>\n");
        }
        if (report.applications().isEmpty()) {
            h.append("<p>No events in the range read.</p>\n");
        }
        for (ApplicationAudit app : report.applications()) {
            h.append("<section>\n<h2>")
                    .append(esc(app.application()))
                    .append("</h2>\n<p class=\"meta\">")
                    .append(esc(AuditText.plural(app.runs().size(), "failover run") + ", "
                            + AuditText.plural(app.between().size(), "other event") + ", "
                            + AuditText.plural(app.deadLetters(), "dead letter")))
                    .append("</p>\n");
            int next = 0;
            int number = 0;
            for (FailoverRun run : app.runs()) {
                List<TimelineNote> before = new ArrayList<>();
                while (next < app.between().size()
                        && (run.start() == null
                                || !app.between().get(next).time().isAfter(run.start()))) {
                    before.add(app.between().get(next++));
                }
                notes(h, before);
                run(h, run, ++number);
            }
            notes(h, app.between().subList(next, app.between().size()));
            h.append("</section>\n");
        }
        h.append("</body>\n</html>\n");
        return AuditText.millis(h.toString());
    }

    private static void notes(StringBuilder h, List<TimelineNote> notes) {
        if (notes.isEmpty()) {
            return;
        }
        h.append("<ul class=\"notes\">\n");
        for (TimelineNote n : notes) {
            boolean rejected = n instanceof RequestTrace t && Boolean.FALSE.equals(t.accepted());
            h.append("<li")
                    .append(rejected ? " class=\"rejected\"" : "")
                    .append(">")
                    .append(esc(AuditText.note(n)))
                    .append("</li>\n");
        }
        h.append("</ul>\n");
    }

    private static void run(StringBuilder h, FailoverRun run, int number) {
        h.append("<article class=\"")
                .append(run.outcome().name())
                .append("\">\n<h3>Run ")
                .append(number)
                .append(": ")
                .append(esc(AuditText.title(run)))
                .append("</h3>\n");
        h.append(svg(run));
        h.append("<dl>\n");
        for (String line : AuditText.trigger(run)) {
            int cut = line.indexOf(' ');
            h.append("<dt>")
                    .append(esc(line.substring(0, cut)))
                    .append("</dt><dd>")
                    .append(esc(line.substring(cut).trim()))
                    .append("</dd>\n");
        }
        h.append("<dt>decision</dt><dd>").append(esc(AuditText.decision(run))).append("</dd>\n");
        for (RequestTrace t : run.interventions()) {
            h.append("<dt>operator</dt><dd>").append(esc(AuditText.request(t))).append("</dd>\n");
        }
        for (AlertTrace a : run.alerts()) {
            h.append("<dt>alert</dt><dd>").append(esc(AuditText.alert(a))).append("</dd>\n");
        }
        h.append("<dt>outcome</dt><dd>").append(esc(AuditText.outcome(run))).append("</dd>\n");
        h.append("<dt>figures</dt><dd>")
                .append(esc(AuditText.figures(run.figures())))
                .append("</dd>\n</dl>\n");
        h.append("<table>\n<tr><th>step</th><th>action</th><th>region</th><th>outcome</th><th>attempt</th>"
                + "<th>command</th><th>sent</th><th>ack</th><th>ack at</th><th>duration</th><th>detail</th></tr>\n");
        for (StepTrace s : run.steps()) {
            int rows = Math.max(1, s.attempts().size());
            h.append("<tr><td rowspan=\"")
                    .append(rows)
                    .append("\">")
                    .append(s.index() + 1)
                    .append("</td><td rowspan=\"")
                    .append(rows)
                    .append("\">")
                    .append(esc(String.valueOf(s.action())))
                    .append("</td><td rowspan=\"")
                    .append(rows)
                    .append("\">")
                    .append(esc(s.region() == null ? "" : s.region()))
                    .append("</td><td rowspan=\"")
                    .append(rows)
                    .append("\" class=\"")
                    .append(s.outcome().name())
                    .append("\">")
                    .append(esc(s.outcome()
                            + (s.retries() > 0 ? ", " + AuditText.plural(s.retries(), "retry", "retries") : "")
                            + (s.note() == null ? "" : " (" + s.note() + ")")))
                    .append("</td>");
            if (s.attempts().isEmpty()) {
                h.append("<td colspan=\"7\">no attempt read</td></tr>\n");
                continue;
            }
            boolean firstRow = true;
            for (StepAttempt a : s.attempts()) {
                if (!firstRow) {
                    h.append("<tr>");
                }
                firstRow = false;
                String outcome = a.ackOutcome() == null ? "" : a.ackOutcome().name();
                h.append("<td>")
                        .append(a.attempt())
                        .append("</td><td><code>")
                        .append(esc(nz(a.commandId())))
                        .append("</code></td><td>")
                        .append(esc(a.sentAt() == null ? "not read" : a.sentAt().toString()))
                        .append("</td><td class=\"")
                        .append(outcome)
                        .append("\">")
                        .append(esc(a.ackOutcome() == null ? "no ack read" : outcome))
                        .append("</td><td>")
                        .append(esc(a.ackAt() == null ? "" : a.ackAt().toString()))
                        .append("</td><td>")
                        .append(a.durationMs() == null ? "" : a.durationMs() + " ms")
                        .append("</td><td>")
                        .append(esc((a.errorCode() == null ? "" : a.errorCode() + " ") + nz(a.detail())))
                        .append("</td></tr>\n");
            }
        }
        h.append("</table>\n</article>\n");
    }

    /** The run on a time axis: one bar per attempt, lines for detection start, decisions and switch. */
    static String svg(FailoverRun run) {
        List<Bar> bars = new ArrayList<>();
        for (StepTrace s : run.steps()) {
            for (StepAttempt a : s.attempts()) {
                bars.add(new Bar(
                        (s.index() + 1) + " " + s.action() + " #" + a.attempt(),
                        a.sentAt(),
                        a.ackAt(),
                        a.ackOutcome(),
                        AuditText.attempt(a)));
            }
        }
        List<Mark> marks = new ArrayList<>();
        if (run.detectionStart() != null) {
            marks.add(new Mark("detection", run.detectionStart().time(), "#805ad5"));
        }
        if (run.proposal() != null) {
            marks.add(new Mark("proposal", run.proposal().time(), "#718096"));
        }
        FailoverDecision d = run.decision();
        if (d != null) {
            marks.add(new Mark("decision", d.time(), "#2b6cb0"));
        }
        if (run.outcomeAt() != null) {
            marks.add(new Mark(
                    run.outcome() == RunOutcome.FINISHED
                            ? "switched"
                            : run.outcome().name().toLowerCase(Locale.ROOT),
                    run.outcomeAt(),
                    run.outcome() == RunOutcome.FINISHED ? "#2f855a" : "#c53030"));
        }
        Instant t0 = null;
        Instant t1 = null;
        for (Mark m : marks) {
            t0 = min(t0, m.at);
            t1 = max(t1, m.at);
        }
        for (Bar b : bars) {
            t0 = min(min(t0, b.from), b.to);
            t1 = max(max(t1, b.from), b.to);
        }
        int height = TOP + Math.max(1, bars.size()) * ROW + 24;
        int width = LABEL_WIDTH + CHART_WIDTH + 20;
        StringBuilder s = new StringBuilder();
        s.append("<svg role=\"img\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\"><title>")
                .append(esc("timeline of " + run.decisionId()))
                .append("</title>\n");
        if (t0 == null) {
            s.append("<text x=\"4\" y=\"20\">no timed event read for this run</text></svg>\n");
            return s.toString();
        }
        long span = Math.max(1, AuditTimeline.millis(t0, t1));
        int axisY = height - 18;
        s.append("<line x1=\"")
                .append(LABEL_WIDTH)
                .append("\" y1=\"")
                .append(axisY)
                .append("\" x2=\"")
                .append(LABEL_WIDTH + CHART_WIDTH)
                .append("\" y2=\"")
                .append(axisY)
                .append("\" stroke=\"#a0aec0\"/>\n");
        for (int i = 0; i <= 4; i++) {
            int x = LABEL_WIDTH + CHART_WIDTH * i / 4;
            s.append("<text x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(axisY + 14)
                    .append("\" text-anchor=\"")
                    .append(i == 0 ? "start" : i == 4 ? "end" : "middle")
                    .append("\">+")
                    .append(esc(AuditText.ms(span * i / 4).replaceAll(" \\(.*\\)", "")))
                    .append("</text>\n");
        }
        int labelRow = 0;
        for (Mark m : marks) {
            int x = x(t0, span, m.at);
            s.append("<line x1=\"")
                    .append(x)
                    .append("\" y1=\"")
                    .append(TOP - 6)
                    .append("\" x2=\"")
                    .append(x)
                    .append("\" y2=\"")
                    .append(axisY)
                    .append("\" stroke=\"")
                    .append(m.color)
                    .append("\" stroke-dasharray=\"4 3\"><title>")
                    .append(esc(m.label + " " + m.at))
                    .append("</title></line>\n<text x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(12 + 11 * (labelRow++ % 2))
                    .append("\" text-anchor=\"")
                    .append(anchor(x))
                    .append("\" fill=\"")
                    .append(m.color)
                    .append("\">")
                    .append(esc(m.label))
                    .append("</text>\n");
        }
        int y = TOP;
        for (Bar b : bars) {
            Instant from = b.from != null ? b.from : t0;
            Instant to = b.to != null ? b.to : t1;
            int x1 = x(t0, span, from);
            int x2 = Math.max(x1 + 3, x(t0, span, to));
            s.append("<text x=\"4\" y=\"")
                    .append(y + 14)
                    .append("\">")
                    .append(esc(b.label))
                    .append("</text>\n")
                    .append("<rect x=\"")
                    .append(x1)
                    .append("\" y=\"")
                    .append(y + 3)
                    .append("\" width=\"")
                    .append(x2 - x1)
                    .append("\" height=\"")
                    .append(ROW - 7)
                    .append("\" rx=\"2\" fill=\"")
                    .append(color(b.outcome))
                    .append("\"")
                    .append(b.to == null ? " fill-opacity=\"0.35\"" : "")
                    .append("><title>")
                    .append(esc(b.tooltip))
                    .append("</title></rect>\n");
            y += ROW;
        }
        if (bars.isEmpty()) {
            s.append("<text x=\"4\" y=\"").append(TOP + 14).append("\">no step attempt read</text>\n");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private record Bar(String label, Instant from, Instant to, AckOutcome outcome, String tooltip) {}

    private record Mark(String label, Instant at, String color) {}

    /** Marker labels near either end of the axis stay inside the chart. */
    private static String anchor(int x) {
        return x < LABEL_WIDTH + 40 ? "start" : x > LABEL_WIDTH + CHART_WIDTH - 40 ? "end" : "middle";
    }

    private static int x(Instant t0, long span, Instant at) {
        return LABEL_WIDTH + (int) Math.round(CHART_WIDTH * (double) AuditTimeline.millis(t0, at) / span);
    }

    private static String color(AckOutcome outcome) {
        if (outcome == null) {
            return "#a0aec0";
        }
        return switch (outcome) {
            case SUCCEEDED -> "#38a169";
            case FAILED_RETRIABLE -> "#dd6b20";
            case FAILED_FATAL, REJECTED_STALE, VETOED -> "#e53e3e";
        };
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** HTML-escapes text for element content and double- or single-quoted attributes. */
    public static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
