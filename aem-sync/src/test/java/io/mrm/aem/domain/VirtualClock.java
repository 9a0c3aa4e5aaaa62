package io.mrm.aem.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that only the handler's own waits move: its {@link #sleeper()} advances it instead of
 * sleeping. Bounds judged by it do not depend on how busy the machine is; the number of polls a wait
 * makes is fixed by its bound and the poll interval.
 */
final class VirtualClock extends Clock {

    private final AtomicReference<Instant> now;

    VirtualClock(Instant start) {
        now = new AtomicReference<>(start);
    }

    /**
     * Starts a minute after the real time: a broker request is still bounded by the real clock (the SEMP
     * client's deadline), and a deadline a test sets on this clock then leaves such requests a minute.
     */
    static VirtualClock aheadOfRealTime() {
        return new VirtualClock(Instant.now().plus(Duration.ofMinutes(1)));
    }

    Sleeper sleeper() {
        return duration -> now.updateAndGet(t -> t.plus(duration));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
