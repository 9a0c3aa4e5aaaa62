package io.mrm.health.adapter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /alerts/alertmanager} (Prometheus Alertmanager webhook) and
 * {@code POST /alerts/azure-monitor} (Azure Monitor common alert schema). Thin: it hands the raw body
 * and the {@code Authorization} header to {@link AlertIntake} and turns its reply into HTTP —
 * 202 published, 400 malformed, 401 unauthenticated, 503 not published. Present only when
 * {@code mrm.health.alerts.enabled} is true.
 */
@RestController
@ConditionalOnProperty(prefix = "mrm.health.alerts", name = "enabled", havingValue = "true")
public class AlertWebhookController {

    private final AlertIntake intake;

    public AlertWebhookController(AlertIntake intake) {
        this.intake = intake;
    }

    @PostMapping(path = "/alerts/alertmanager", produces = "application/json")
    public ResponseEntity<Object> alertmanager(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
                                               String authorization,
                                               @RequestBody(required = false) byte[] body) {
        return reply(intake.receive(AlertIntake.Format.ALERTMANAGER, authorization, body));
    }

    @PostMapping(path = "/alerts/azure-monitor", produces = "application/json")
    public ResponseEntity<Object> azureMonitor(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
                                               String authorization,
                                               @RequestBody(required = false) byte[] body) {
        return reply(intake.receive(AlertIntake.Format.AZURE_MONITOR, authorization, body));
    }

    private ResponseEntity<Object> reply(AlertIntake.Reply reply) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(reply.status());
        if (reply.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, intake.challenge());
        }
        return builder.body(reply.body());
    }
}
