package io.mrm.health.adapter.alert;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /alerts/alertmanager} (Prometheus Alertmanager webhook) and
 * {@code POST /alerts/azure-monitor} (Azure Monitor common alert schema). Thin: it hands the raw body
 * and the {@code Authorization} header to {@link AlertIntake} and turns its reply into HTTP —
 * 202 published, 400 malformed, 401 unauthenticated, 413 too large, 503 not published. Present only
 * when {@code mrm.health.alerts.enabled} is true.
 *
 * <p>The body is read only after the credentials were checked, and never beyond
 * {@value AlertIntake#MAX_BODY_BYTES} bytes (a declared larger length is refused before reading), so an
 * unauthenticated caller cannot make the monitor hold a large body in memory.
 */
@RestController
@ConditionalOnProperty(prefix = "mrm.health.alerts", name = "enabled", havingValue = "true")
public class AlertWebhookController {

    private final AlertIntake intake;

    public AlertWebhookController(AlertIntake intake) {
        this.intake = intake;
    }

    @PostMapping(path = "/alerts/alertmanager", produces = "application/json")
    public ResponseEntity<Object> alertmanager(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request)
            throws IOException {
        return receive(AlertIntake.Format.ALERTMANAGER, authorization, request);
    }

    @PostMapping(path = "/alerts/azure-monitor", produces = "application/json")
    public ResponseEntity<Object> azureMonitor(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request)
            throws IOException {
        return receive(AlertIntake.Format.AZURE_MONITOR, authorization, request);
    }

    private ResponseEntity<Object> receive(AlertIntake.Format format, String authorization, HttpServletRequest request)
            throws IOException {
        AlertIntake.Reply refused = intake.authenticate(authorization);
        if (refused != null) {
            return reply(refused);
        }
        long declared = request.getContentLengthLong();
        if (declared > AlertIntake.MAX_BODY_BYTES) {
            return tooLarge();
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(AlertIntake.MAX_BODY_BYTES + 1); // a chunked body has no declared length
        }
        if (body.length > AlertIntake.MAX_BODY_BYTES) {
            return tooLarge();
        }
        return reply(intake.receiveAuthenticated(format, body.length == 0 ? null : body));
    }

    private static ResponseEntity<Object> tooLarge() {
        return ResponseEntity.status(413)
                .body(new AlertIntake.Problem("the body is larger than " + AlertIntake.MAX_BODY_BYTES + " bytes"));
    }

    private ResponseEntity<Object> reply(AlertIntake.Reply reply) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(reply.status());
        if (reply.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, intake.challenge());
        }
        return builder.body(reply.body());
    }
}
