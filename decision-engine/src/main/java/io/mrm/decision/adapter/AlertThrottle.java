package io.mrm.decision.adapter;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one alert per source per period, for refusals that a misbehaving producer can repeat for
 * every record it sends. Kept in memory by one processor: after a restart a source is alerted again
 * at once, which is what an operator wants. Bounded: the oldest sources are forgotten.
 */
final class AlertThrottle {

    private static final int MAX_SOURCES = 1_000;

    private final Duration period;
    private final Map<String, Instant> last = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    AlertThrottle(Duration period) {
        this.period = period;
    }

    /** Whether to alert about {@code source} now; if so, the next one is due a period later. */
    boolean allow(String source, Instant now) {
        Instant previous = last.get(source);
        if (previous != null && now.isBefore(previous.plus(period)) && !now.isBefore(previous)) {
            return false;
        }
        last.put(source, now);
        return true;
    }
}
