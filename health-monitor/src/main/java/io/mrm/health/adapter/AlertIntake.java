package io.mrm.health.adapter;

import io.mrm.events.observation.HealthObservation;
import io.mrm.health.domain.AlertRouter;
import io.mrm.health.domain.ExternalAlert;
import io.mrm.health.domain.ObservationSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook call: authenticate, read the whole body (refusing it whole if any alert is malformed),
 * map alerts to observations, publish them and wait for the broker to confirm. Nothing is published
 * for a call that is refused.
 */
public final class AlertIntake {

    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);

    /** Which webhook format a call uses. */
    public enum Format { ALERTMANAGER, AZURE_MONITOR }

    /** What to answer: an HTTP status and a JSON-ready body. */
    public record Reply(int status, Object body) {
    }

    /** The body of a refused call. */
    public record Problem(String error) {
    }

    /** The body of an accepted call. */
    public record Accepted(int alerts, int observations, int unmatched) {
    }

    private final WebhookCredentials credentials;
    private final AlertRouter router;
    private final ObservationSink sink;
    private final Duration publishTimeout;

    public AlertIntake(WebhookCredentials credentials, AlertRouter router, ObservationSink sink, Duration publishTimeout) {
        this.credentials = credentials;
        this.router = router;
        this.sink = sink;
        this.publishTimeout = publishTimeout;
    }

    public String challenge() {
        return credentials.challenge();
    }

    public Reply receive(Format format, String authorization, byte[] body) {
        switch (credentials.check(authorization)) {
            case REFUSED -> {
                return new Reply(401, new Problem(authorization == null ? "missing Authorization header"
                        : "invalid credentials"));
            }
            case UNAVAILABLE -> {
                log.error("alert webhook refused a call: its token ({}) cannot be read", credentials.token());
                return new Reply(503, new Problem("the webhook's credential is not available on this instance"));
            }
            default -> {
            }
        }
        List<ExternalAlert> alerts;
        try {
            alerts = format == Format.ALERTMANAGER ? AlertPayloads.alertmanager(body) : AlertPayloads.azureMonitor(body);
        } catch (AlertPayloads.MalformedAlertException e) {
            return new Reply(400, new Problem(e.getMessage()));
        }
        List<HealthObservation> observations = new ArrayList<>();
        int unmatched = 0;
        for (ExternalAlert alert : alerts) {
            List<HealthObservation> mapped = router.observations(alert);
            if (mapped.isEmpty()) {
                unmatched++;
                log.debug("{} alert {} matches no rule (mrm.health.alerts.rules): ignored", alert.source(), alert.name());
            }
            observations.addAll(mapped);
        }
        try {
            CompletableFuture.allOf(observations.stream()
                            .map(o -> sink.publish(o).toCompletableFuture())
                            .toArray(CompletableFuture[]::new))
                    .get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("could not publish {} observations from a webhook call: {}", observations.size(), e.toString());
            return new Reply(503, new Problem("observations could not be published; retry"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, new Problem("interrupted while publishing; retry"));
        }
        return new Reply(202, new Accepted(alerts.size(), observations.size(), unmatched));
    }
}
