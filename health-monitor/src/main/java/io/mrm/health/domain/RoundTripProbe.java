package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A messaging round trip: publish one persistent message through a {@link RoundTripTransport} and wait
 * for it to come back.
 *
 * <ul>
 *   <li>UP when the message comes back within the deadline, with the time from hand-over to arrival as
 *       latency (connecting a new session is not counted); DEGRADED when that is over
 *       {@code maxRoundTrip}.</li>
 *   <li>DOWN when the transport cannot send (the detail is its reason: refused connection, failed login,
 *       unknown queue...), when the broker refuses the message, when the session breaks mid-round, and
 *       when nothing comes back within the deadline; the detail then says how far the round got.</li>
 *   <li>Each round's message carries a fresh token and only that token completes the round, so a late
 *       message from an earlier round, or a stranger's, never counts (they are counted as strays).</li>
 *   <li>At most one round per target is in flight: a probe that finds the previous round's send still
 *       running (a connect that has not given up yet) is DOWN at once instead of starting another.</li>
 *   <li>After any DOWN the transport is reset, so the next round starts on a new session.</li>
 * </ul>
 */
public final class RoundTripProbe implements Probe, AutoCloseable {

    /**
     * @param deadline     how long a round may take, connecting included, before it is DOWN
     * @param maxRoundTrip hand-over to arrival above which the result is DEGRADED
     */
    public record Settings(Duration deadline, Duration maxRoundTrip) {

        public Settings {
            positive("deadline", deadline);
            positive("maxRoundTrip", maxRoundTrip);
        }

        private static void positive(String field, Duration value) {
            Require.present(field, value);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(field + " must be positive, was " + value);
            }
        }
    }

    private static final long NOT_YET = Long.MIN_VALUE;

    /** One probe's message: its token, when it started, how far it got. */
    private static final class Round {
        final String token;
        final long start;
        final CompletableFuture<ProbeResult> outcome = new CompletableFuture<>();
        volatile long handedOverAt = NOT_YET;
        volatile boolean acknowledged;

        Round(String token, long start) {
            this.token = token;
            this.start = start;
        }
    }

    private final RoundTripTransport transport;
    private final Settings settings;
    private final Supplier<String> tokens;
    private final LongSupplier nanoTime;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicReference<Round> current = new AtomicReference<>();
    private final AtomicLong strays = new AtomicLong();

    /**
     * @param transport moves the messages; this probe listens to it from now on
     * @param tokens    a fresh, unique token per round (e.g. a random UUID)
     * @param nanoTime  the clock that times rounds ({@code System::nanoTime})
     */
    public RoundTripProbe(
            RoundTripTransport transport, Settings settings, Supplier<String> tokens, LongSupplier nanoTime) {
        this.transport = Require.present("transport", transport);
        this.settings = Require.present("settings", settings);
        this.tokens = Require.present("tokens", tokens);
        this.nanoTime = Require.present("nanoTime", nanoTime);
        transport.listen(new Listener());
    }

    public Settings settings() {
        return settings;
    }

    public RoundTripTransport transport() {
        return transport;
    }

    /** Messages that arrived but belonged to no round in flight (late ones from earlier rounds, strangers). */
    public long strays() {
        return strays.get();
    }

    @Override
    public CompletionStage<ProbeResult> probe() {
        long start = nanoTime.getAsLong();
        if (!busy.compareAndSet(false, true)) {
            // the monitor's own state, not an answer from the broker: never published as DOWN
            return CompletableFuture.completedFuture(ProbeResult.notProbed("previous round trip ("
                    + transport.describe() + ") is still connecting; not probed again until it gives up"));
        }
        Round round = new Round(tokens.get(), start);
        current.set(round);
        CompletableFuture<Void> sent;
        try {
            sent = transport
                    .send(round.token, () -> round.handedOverAt = nanoTime.getAsLong())
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                round.outcome.complete(
                        ObservationRule.unwrap(error) instanceof RejectedExecutionException
                                ? ProbeResult.notProbed(sendFailure(error))
                                : ProbeResult.down(elapsed(round.start), sendFailure(error)));
            }
        });
        CompletableFuture<ProbeResult> result = round.outcome
                .orTimeout(settings.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(timeout -> ProbeResult.down(elapsed(round.start), timedOut(round)))
                .thenApply(judged -> {
                    current.compareAndSet(round, null);
                    if (judged.status() == HealthStatus.DOWN) {
                        transport.reset();
                    }
                    return judged;
                });
        // the next round may start once this one is judged and the transport no longer works on it
        CompletableFuture.allOf(result, sent.handle((ok, error) -> null)).whenComplete((ok, error) -> busy.set(false));
        return result;
    }

    private String timedOut(Round round) {
        String within = " within " + settings.deadline().toMillis() + " ms";
        if (round.handedOverAt == NOT_YET) {
            return "timeout: no session with " + transport.describe() + within + " (connect or login not finished)";
        }
        if (!round.acknowledged) {
            return "timeout: probe message not acknowledged by the broker" + within + " (" + transport.describe() + ")";
        }
        return "timeout: probe message acknowledged but not received back" + within + " (" + transport.describe() + ")";
    }

    private static String sendFailure(Throwable error) {
        Throwable cause = ObservationRule.unwrap(error);
        if (cause instanceof RoundTripFailure) {
            return cause.getMessage();
        }
        if (cause instanceof RejectedExecutionException) {
            return "not probed: " + cause.getMessage();
        }
        String message = cause.getMessage();
        return "round trip failed: " + cause.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private ProbeResult judge(Round round, long arrivedAt) {
        long from = round.handedOverAt == NOT_YET ? round.start : round.handedOverAt;
        Duration latency = Duration.ofNanos(Math.max(0, arrivedAt - from));
        String detail = "persistent message round trip in " + latency.toMillis() + " ms (" + transport.describe() + ")";
        if (latency.compareTo(settings.maxRoundTrip()) > 0) {
            return ProbeResult.degraded(
                    latency,
                    detail + ", over the maximum of " + settings.maxRoundTrip().toMillis() + " ms");
        }
        return ProbeResult.up(latency, detail);
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }

    /** The round a report is about, or null when it belongs to none in flight. */
    private Round roundOf(String token) {
        Round round = current.get();
        return round != null && token != null && round.token.equals(token) ? round : null;
    }

    /** Closes the transport's session (at shutdown). */
    @Override
    public void close() {
        transport.close();
    }

    private final class Listener implements RoundTripTransport.Events {

        @Override
        public void acknowledged(String token) {
            Round round = roundOf(token);
            if (round != null) {
                round.acknowledged = true;
            }
        }

        @Override
        public void refused(String token, String reason) {
            Round round = roundOf(token);
            if (round != null) {
                round.outcome.complete(ProbeResult.down(
                        elapsed(round.start),
                        "the broker refused the probe message (" + transport.describe() + "): " + reason));
            }
        }

        @Override
        public void arrived(String token) {
            long now = nanoTime.getAsLong();
            Round round = roundOf(token);
            if (round == null || !round.outcome.complete(judge(round, now))) {
                strays.incrementAndGet();
            }
        }

        @Override
        public void failed(String reason) {
            Round round = current.get();
            if (round != null) {
                round.outcome.complete(ProbeResult.down(elapsed(round.start), reason));
            }
        }
    }
}
