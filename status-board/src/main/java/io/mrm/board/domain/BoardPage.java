package io.mrm.board.domain;

import static io.mrm.board.domain.Html.esc;

import java.time.Instant;
import java.util.List;

/**
 * The board as one HTML page, complete without JavaScript: every application's card, as of {@code now}. A small
 * static script ({@code /board.js}) then keeps it live: it listens to {@code /events} and swaps in each card the
 * server sends again when its application changes. No inline script or style, so a strict Content-Security-Policy
 * holds.
 */
public final class BoardPage {

    private BoardPage() {}

    public static String render(List<ApplicationBoard> applications, Instant now, long ignoredApplications) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>MRM status board</title>\n")
                .append("<link rel=\"stylesheet\" href=\"board.css\">\n")
                .append("<script src=\"board.js\" defer></script>\n")
                .append("</head>\n<body>\n<header><h1>MRM status board</h1>")
                .append("<p class=\"meta\">Read-only. Rendered at <time id=\"rendered\">")
                .append(esc(ApplicationCard.time(now)))
                .append("</time>; <span id=\"live\" class=\"offline\">not live (reload to refresh)</span></p>")
                .append("</header>\n<main id=\"applications\">\n");
        if (applications.isEmpty()) {
            h.append("<p id=\"none\" class=\"meta\">No application has published its topology yet.</p>\n");
        }
        for (ApplicationBoard app : applications) {
            h.append(ApplicationCard.render(app)).append('\n');
        }
        h.append("</main>\n");
        if (ignoredApplications > 0) {
            h.append("<p class=\"meta\">")
                    .append(ignoredApplications)
                    .append(" events of applications beyond the board's limit were not shown "
                            + "(mrm.board.max-applications).</p>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }
}
