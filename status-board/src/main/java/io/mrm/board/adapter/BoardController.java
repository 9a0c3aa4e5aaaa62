package io.mrm.board.adapter;

import io.mrm.audit.AuditHtml;
import io.mrm.audit.AuditReport;
import io.mrm.board.domain.BoardPage;
import io.mrm.board.domain.BoardState;
import io.mrm.board.domain.Html;
import io.mrm.events.Require;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The board's pages, all read-only (GET only; there is no form and no endpoint that changes anything): the board
 * at {@code /}, its live updates at {@code /events}, its script and style, and an application's audit at
 * {@code /applications/{app}/audit?hours=N}.
 */
@RestController
public class BoardController {

    /** The board: only its own script and style, no inline code; it loads nothing from elsewhere. */
    static final String BOARD_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The audit report is one self-contained file with inline style and SVG, and no script. */
    static final String AUDIT_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private final BoardState state;
    private final SseHub hub;
    private final AuditReader audits;
    private final Duration defaultAuditRange;
    private final Duration maxAuditRange;
    private final Clock clock;

    public BoardController(
            BoardState state,
            SseHub hub,
            AuditReader audits,
            Duration defaultAuditRange,
            Duration maxAuditRange,
            Clock clock) {
        this.state = state;
        this.hub = hub;
        this.audits = audits;
        this.defaultAuditRange = defaultAuditRange;
        this.maxAuditRange = maxAuditRange;
        this.clock = clock;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> board() {
        return page(BoardPage.render(state.applications(), clock.instant(), state.ignoredApplications()), BOARD_POLICY);
    }

    /** The live updates; 503 (the page stays complete, only not live) when too many pages listen already. */
    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public ResponseEntity<SseEmitter> events() {
        try {
            return ResponseEntity.ok()
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .header("X-Accel-Buffering", "no") // proxies that buffer responses would hold the events back
                    .body(hub.subscribe());
        } catch (SseHub.Full e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
        }
    }

    @GetMapping(path = "/board.js")
    public ResponseEntity<String> script() {
        return resource("board.js", "text/javascript");
    }

    @GetMapping(path = "/board.css")
    public ResponseEntity<String> style() {
        return resource("board.css", "text/css");
    }

    @GetMapping(path = "/applications/{application}/audit", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> audit(
            @PathVariable("application") String application,
            @RequestParam(name = "hours", required = false) String hours) {
        if (!Require.NAME.matcher(application).matches()) {
            return error(
                    HttpStatus.BAD_REQUEST,
                    "not an application id: lowercase letters, digits and '-', " + "at most 63 characters");
        }
        Duration range = defaultAuditRange;
        if (hours != null) {
            long maxHours = Math.max(1, maxAuditRange.toHours());
            if (!hours.matches("[0-9]{1,4}") || Long.parseLong(hours) < 1 || Long.parseLong(hours) > maxHours) {
                return error(HttpStatus.BAD_REQUEST, "hours must be a whole number from 1 to " + maxHours);
            }
            range = Duration.ofHours(Long.parseLong(hours));
        }
        AuditReport report = audits.read(application, range);
        return page(AuditHtml.render(report), AUDIT_POLICY);
    }

    @ExceptionHandler(AuditReader.Busy.class)
    ResponseEntity<String> busy(AuditReader.Busy e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ExceptionHandler(AuditReader.Unavailable.class)
    ResponseEntity<String> unavailable(AuditReader.Unavailable e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "the audit could not be read: " + e.getMessage());
    }

    private static ResponseEntity<String> page(String html, String policy) {
        return ResponseEntity.ok()
                .contentType(HTML)
                .header("Content-Security-Policy", policy)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(html);
    }

    private static ResponseEntity<String> error(HttpStatus status, String message) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status.value()
                + "</title></head><body><p>" + Html.esc(message) + "</p></body></html>\n";
        return ResponseEntity.status(status)
                .contentType(HTML)
                .header("Content-Security-Policy", "default-src 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .body(html);
    }

    private static ResponseEntity<String> resource(String name, String type) {
        try (InputStream in = BoardController.class.getResourceAsStream("/io/mrm/board/" + name)) {
            if (in == null) {
                return ResponseEntity.notFound().build();
            }
            return ResponseEntity.ok()
                    .contentType(new MediaType(MediaType.parseMediaType(type), StandardCharsets.UTF_8))
                    .header("X-Content-Type-Options", "nosniff")
                    .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
