package io.mrm.health.adapter.alert;

import io.mrm.events.observation.HealthObservation;
import io.mrm.health.domain.AlertedComponents;
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
 * take its alerts into the {@link AlertedComponents} state, publish one observation per component it
 * touched and wait for the broker to confirm. A refused call (400, 401) changes nothing. A call answered
 * 503 has still been taken in: the sender's retry carries the same alert instances, which changes
 * nothing but publishes again. {@link #refresh} republishes the state on the probe cadence.
 */
public final class AlertIntake {

    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);

    /** Which webhook format a call uses. */
    public enum Format {
        ALERTMANAGER,
        AZURE_MONITOR
    }

    /** What to answer: an HTTP status and a JSON-ready body. */
    public record Reply(int status, Object body) {}

    /** The body of a refused call. */
    public record Problem(String error) {}

    /** The body of an accepted call. */
    public record Accepted(int alerts, int observations, int unmatched) {}

    private final WebhookCredentials credentials;
    private final AlertedComponents state;
    private final ObservationSink sink;
    private final Duration publishTimeout;
    /**
     * Held across changing the state and handing its observations to the sink, so that a component's
     * observations reach the topic in the order of the states they report (a refresh cannot overtake
     * the call that resolved the alert it still shows).
     */
    private final Object lock = new Object();

    public AlertIntake(
            WebhookCredentials credentials, AlertedComponents state, ObservationSink sink, Duration publishTimeout) {
        this.credentials = credentials;
        this.state = state;
        this.sink = sink;
        this.publishTimeout = publishTimeout;
    }

    public String challenge() {
        return credentials.challenge();
    }

    /** Largest webhook body taken; larger ones are refused before they are read. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    public Reply receive(Format format, String authorization, byte[] body) {
        Reply refused = authenticate(authorization);
        return refused != null ? refused : receiveAuthenticated(format, body);
    }

    /** The refusal for these credentials (401, or 503 when the token cannot be read), or null: go on. */
    public Reply authenticate(String authorization) {
        switch (credentials.check(authorization)) {
            case REFUSED -> {
                return new Reply(
                        401,
                        new Problem(authorization == null ? "missing Authorization header" : "invalid credentials"));
            }
            case UNAVAILABLE -> {
                log.error("alert webhook refused a call: its token ({}) cannot be read", credentials.token());
                return new Reply(503, new Problem("the webhook's credential is not available on this instance"));
            }
            default -> {
                return null;
            }
        }
    }

    /** A call whose credentials were checked by {@link #authenticate}. */
    public Reply receiveAuthenticated(Format format, byte[] body) {
        List<ExternalAlert> alerts;
        try {
            alerts =
                    format == Format.ALERTMANAGER ? AlertPayloads.alertmanager(body) : AlertPayloads.azureMonitor(body);
        } catch (AlertPayloads.MalformedAlertException e) {
            return new Reply(400, new Problem(e.getMessage()));
        }
        AlertedComponents.Received received;
        CompletableFuture<?> sent;
        synchronized (lock) {
            received = state.receive(alerts);
            sent = handOver(received.observations());
        }
        if (received.unmatched() > 0) {
            log.debug(
                    "{} of {} alerts match no rule (mrm.health.alerts.rules) or are ignored (ignored-alert-names)",
                    received.unmatched(),
                    alerts.size());
        }
        try {
            sent.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn(
                    "could not publish {} observations from a webhook call: {}",
                    received.observations().size(),
                    e.toString());
            return new Reply(503, new Problem("observations could not be published; retry"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, new Problem("interrupted while publishing; retry"));
        }
        return new Reply(
                202, new Accepted(alerts.size(), received.observations().size(), received.unmatched()));
    }

    /**
     * Publishes the current state of every component held (one observation each) and waits for the
     * broker, at most the publish timeout. Failures are logged: the next refresh publishes again.
     *
     * @return how many observations were published
     */
    public int refresh() {
        List<HealthObservation> observations;
        CompletableFuture<?> sent;
        synchronized (lock) {
            observations = state.refresh();
            sent = handOver(observations);
        }
        try {
            sent.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return observations.size();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("could not republish {} alerted components: {}", observations.size(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private CompletableFuture<?> handOver(List<HealthObservation> observations) {
        List<CompletableFuture<?>> sends = new ArrayList<>(observations.size());
        for (HealthObservation observation : observations) {
            try {
                sends.add(sink.publish(observation).toCompletableFuture());
            } catch (RuntimeException e) {
                sends.add(CompletableFuture.failedFuture(e));
            }
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }
}
