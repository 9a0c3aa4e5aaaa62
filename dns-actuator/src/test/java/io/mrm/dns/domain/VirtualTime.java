package io.mrm.dns.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when the command handler pauses, so that waits bounded by a deadline run
 * in no real time and the same on a busy machine as on an idle one.
 */
public final class VirtualTime extends Clock {

    private final AtomicReference<Instant> now;

    public VirtualTime(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** Starts at the real time now, so that commands built with {@code Instant.now()} fit it. */
    public static VirtualTime startingNow() {
        return new VirtualTime(Instant.now());
    }

    /** Pacing whose pauses advance this clock. */
    public Pacing pacing(Duration pollInterval, Duration ackMargin, boolean waitOutCachedAnswers) {
        return new Pacing(pollInterval, ackMargin, waitOutCachedAnswers, this::advance);
    }

    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("virtual time is UTC");
    }
}
