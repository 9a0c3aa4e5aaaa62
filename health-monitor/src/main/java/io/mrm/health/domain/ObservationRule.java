package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Turns what a probe saw into the event this vantage point publishes. Every result becomes exactly
 * one valid observation: the detail is cut to the event's limit, the latency rounded to milliseconds,
 * and a probe that failed instead of answering counts as DOWN.
 */
public final class ObservationRule {

    private final String vantage;
    private final String vantageRegion;
    private final Clock clock;
    private final Supplier<String> ids;

    /**
     * @param vantage the id of this monitor instance
     * @param clock   gives each observation its time (the moment the result is known)
     * @param ids     a fresh event id per call
     */
    public ObservationRule(String vantage, Clock clock, Supplier<String> ids) {
        this(vantage, null, clock, ids);
    }

    /**
     * @param vantage       the id of this monitor instance
     * @param vantageRegion the region or site this instance runs in, or null when not configured
     * @param clock         gives each observation its time (the moment the result is known)
     * @param ids           a fresh event id per call
     */
    public ObservationRule(String vantage, String vantageRegion, Clock clock, Supplier<String> ids) {
        this.vantage = Require.name("vantage", vantage);
        this.vantageRegion = Require.optionalName("vantageRegion", vantageRegion);
        this.clock = Require.present("clock", clock);
        this.ids = Require.present("ids", ids);
    }

    public String vantage() {
        return vantage;
    }

    /** The region label of this instance, or null. */
    public String vantageRegion() {
        return vantageRegion;
    }

    public HealthObservation observe(ProbeTarget target, ProbeResult result) {
        Long latencyMs = result.latency() == null ? null : result.latency().toMillis();
        return new HealthObservation(
                ids.get(),
                target.applicationId(),
                clock.instant(),
                HealthObservation.SCHEMA_VERSION,
                target.region(),
                target.component(),
                target.kind(),
                vantage,
                result.status(),
                latencyMs,
                cut(result.detail()),
                vantageRegion);
    }

    /**
     * The result for a probe that threw, completed exceptionally or overran {@code target.timeout()}:
     * DOWN, with the reason.
     */
    public static ProbeResult failure(ProbeTarget target, Throwable error, Duration latency) {
        Throwable cause = unwrap(error);
        if (cause instanceof TimeoutException) {
            return ProbeResult.down(
                    latency, "probe gave no result within " + target.timeout().toMillis() + " ms");
        }
        if (cause instanceof CancellationException) {
            return ProbeResult.down(latency, "probe was cancelled");
        }
        String message = cause.getMessage();
        return ProbeResult.down(
                latency,
                "probe failed: " + cause.getClass().getSimpleName()
                        + (message == null || message.isBlank() ? "" : ": " + message));
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String cut(String detail) {
        if (detail == null || detail.length() <= Require.MAX_TEXT) {
            return detail;
        }
        return detail.substring(0, Require.MAX_TEXT - 3) + "...";
    }
}
