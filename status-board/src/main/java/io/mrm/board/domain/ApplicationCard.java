package io.mrm.board.domain;

import static io.mrm.board.domain.Html.esc;

import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.RegionReadiness;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One application on the board, as an HTML fragment: where it runs (active region, phase, epoch, frozen), each
 * region's health as the engine judges it and as each vantage point sees it, each region's readiness, the plan's
 * steps, and the recent decisions, alerts and request outcomes. The page renders it, and the live updates send
 * it again whenever the application changes. Every text from the bus is escaped; class names are enum constants.
 */
public final class ApplicationCard {

    private ApplicationCard() {}

    /** The element's id for an application. */
    public static String elementId(String application) {
        return "app-" + application;
    }

    public static String render(ApplicationBoard board) {
        StringBuilder h = new StringBuilder(4096);
        String app = board.application();
        TopologyState t = board.topology();
        h.append("<section class=\"app\" id=\"")
                .append(esc(elementId(app)))
                .append("\" data-version=\"")
                .append(board.version())
                .append("\">");
        h.append("<h2>").append(esc(app)).append("</h2>");
        if (t == null) {
            h.append("<p class=\"meta\">No topology published yet.</p>");
        } else {
            h.append("<dl class=\"summary\">");
            item(h, "active", "<span class=\"region active-region\">" + esc(t.activeRegion()) + "</span>");
            item(h, "standby", esc(t.standbyRegion()));
            item(h, "phase", "<span class=\"phase " + t.phase() + "\">" + t.phase() + "</span>");
            item(h, "epoch", "<span class=\"epoch\">" + t.epoch() + "</span>");
            item(h, "frozen", t.frozen() ? "<span class=\"frozen\">yes</span>" : "no");
            if (t.holdDownUntil() != null) {
                item(h, "hold-down", "until " + esc(time(t.holdDownUntil())));
            }
            item(h, "updated", esc(time(t.time())));
            h.append("</dl>");
            health(h, t);
        }
        readiness(h, board.readiness());
        if (t != null) {
            steps(h, t);
        }
        recent(h, board.recent());
        // relative, like every address on the page, so the board works behind a proxy that serves it under a path
        h.append("<p class=\"links\"><a class=\"audit-link\" href=\"applications/")
                .append(esc(Html.pathSegment(app)))
                .append("/audit\">Audit of the recent runs</a></p>");
        h.append("</section>");
        return h.toString();
    }

    private static void item(StringBuilder h, String term, String html) {
        h.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>");
    }

    private static void health(StringBuilder h, TopologyState t) {
        List<RegionHealthView> regions = t.health();
        if (regions.isEmpty()) {
            h.append("<p class=\"meta\">No health view yet.</p>");
            return;
        }
        TreeSet<String> vantages = new TreeSet<>();
        regions.forEach(r -> r.vantages().forEach(v -> vantages.add(v.vantage())));
        h.append("<table class=\"health\"><caption>Health</caption><thead><tr><th>region</th><th>verdict</th>");
        for (String v : vantages) {
            h.append("<th>").append(esc(v)).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (RegionHealthView r : regions) {
            h.append("<tr data-region=\"")
                    .append(esc(r.region()))
                    .append("\"><th>")
                    .append(esc(r.region()))
                    .append(r.region().equals(t.activeRegion()) ? " <small>(active)</small>" : "")
                    .append("</th><td class=\"verdict ")
                    .append(r.verdict())
                    .append("\">")
                    .append(r.verdict())
                    .append("</td>");
            for (String v : vantages) {
                VantageHealth seen = r.vantages().stream()
                        .filter(x -> x.vantage().equals(v))
                        .findFirst()
                        .orElse(null);
                if (seen == null) {
                    h.append("<td class=\"vantage\">–</td>");
                } else {
                    h.append("<td class=\"vantage ")
                            .append(seen.status())
                            .append("\" data-vantage=\"")
                            .append(esc(v))
                            .append("\">")
                            .append(seen.status())
                            .append("</td>");
                }
            }
            h.append("</tr>");
        }
        h.append("</tbody></table>");
    }

    private static void readiness(StringBuilder h, ReadinessState readiness) {
        if (readiness == null) {
            h.append("<p class=\"meta\">No readiness published yet.</p>");
            return;
        }
        h.append("<table class=\"readiness\"><caption>Readiness (could a switch to the region run now?)</caption>")
                .append(
                        "<thead><tr><th>region</th><th>status</th><th>checks</th><th>checks not passing</th></tr></thead><tbody>");
        for (RegionReadiness r : readiness.regions()) {
            List<String> failing = new ArrayList<>();
            r.checks().stream()
                    .filter(c -> c.status() != io.mrm.events.readiness.ReadinessStatus.READY)
                    .forEach(c -> failing.add(c.action() + " " + c.check() + ": " + c.reason()));
            h.append("<tr data-region=\"")
                    .append(esc(r.region()))
                    .append("\"><th>")
                    .append(esc(r.region()))
                    .append("</th><td class=\"readiness-status ")
                    .append(r.status())
                    .append("\">")
                    .append(r.status())
                    .append("</td><td>")
                    .append(r.checks().size())
                    .append("</td><td>")
                    .append(esc(String.join("; ", failing)))
                    .append("</td></tr>");
        }
        h.append("</tbody></table>");
        if (!readiness.missing().isEmpty()) {
            h.append("<p class=\"meta\">Not reported yet: ")
                    .append(esc(readiness.missing().toString()))
                    .append("</p>");
        }
    }

    private static void steps(StringBuilder h, TopologyState t) {
        if (t.planSteps().isEmpty()) {
            return;
        }
        h.append("<table class=\"plan\"><caption>Plan of ")
                .append(esc(t.lastDecisionId() == null ? "the latest decision" : t.lastDecisionId()))
                .append("</caption><thead><tr><th>#</th><th>step</th><th>region</th><th>status</th>")
                .append("<th>attempts</th><th>detail</th></tr></thead><tbody>");
        for (StepProgress s : t.planSteps()) {
            h.append("<tr class=\"step\" data-action=\"")
                    .append(s.action())
                    .append("\"><td>")
                    .append(s.index() + 1)
                    .append("</td><td>")
                    .append(s.action())
                    .append("</td><td>")
                    .append(esc(s.region()))
                    .append("</td><td class=\"step-status ")
                    .append(s.status())
                    .append("\">")
                    .append(s.status())
                    .append("</td><td>")
                    .append(s.attempts())
                    .append("</td><td>")
                    .append(s.detail() == null ? "" : esc(s.detail()))
                    .append("</td></tr>");
        }
        h.append("</tbody></table>");
    }

    private static void recent(StringBuilder h, List<RecentEvent> recent) {
        if (recent.isEmpty()) {
            h.append("<p class=\"meta\">No recent decisions or alerts.</p>");
            return;
        }
        h.append("<h3>Recent decisions and alerts</h3><ul class=\"recent\">");
        for (RecentEvent e : recent) {
            h.append("<li class=\"")
                    .append(e.kind())
                    .append(e.kind() == RecentEvent.Kind.ALERT && !e.label().startsWith("INFO ") ? " serious" : "")
                    .append("\"><time>")
                    .append(esc(time(e.time())))
                    .append("</time> <b>")
                    .append(esc(e.label()))
                    .append("</b> ")
                    .append(esc(e.text()))
                    .append("</li>");
        }
        h.append("</ul>");
    }

    static String time(Instant time) {
        return time.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
