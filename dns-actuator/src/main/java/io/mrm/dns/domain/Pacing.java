package io.mrm.dns.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How the command handler waits for the DNS to settle: reads again every {@code pollInterval}, and
 * stops in time to acknowledge {@code ackMargin} before the command's deadline (the engine counts an
 * attempt unacknowledged at its deadline as failed). Every wait is bounded by that deadline.
 *
 * @param pollInterval        pause between two reads; zero reads once and never waits
 * @param ackMargin           how long before the deadline the handler stops waiting and acknowledges
 * @param waitOutCachedAnswers verify succeeds only once the old answer's TTL has run out since every
 *                            source answered the new region (else it reports until when it may be cached)
 * @param pause               how a pause is taken: sleeping in the service, advancing a clock in tests
 */
public record Pacing(Duration pollInterval, Duration ackMargin, boolean waitOutCachedAnswers, Pause pause) {

    /** A pause of the given length; interruptible. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration length) throws InterruptedException;
    }

    /** Reads once and never waits: each command is answered from one look. */
    public static final Pacing ONCE = new Pacing(Duration.ZERO, Duration.ZERO, false, length -> {});

    public Pacing {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(ackMargin, "ackMargin");
        Objects.requireNonNull(pause, "pause");
        if (pollInterval.isNegative() || ackMargin.isNegative()) {
            throw new IllegalArgumentException("pollInterval and ackMargin must not be negative");
        }
    }

    /** Waits by sleeping the thread. */
    public static Pacing sleeping(Duration pollInterval, Duration ackMargin, boolean waitOutCachedAnswers) {
        return new Pacing(pollInterval, ackMargin, waitOutCachedAnswers, length -> Thread.sleep(length.toMillis()));
    }

    boolean waits() {
        return !pollInterval.isZero();
    }
}
