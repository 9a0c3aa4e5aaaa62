package io.mrm.audit;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs of consecutive DOWN observations per (application, region, component, vantage), folded as
 * the observations are read so that a week of probes costs a few objects, not a week of records.
 * Observations of one vantage point must come in their partition's order (Kafka keeps it per key);
 * one older than the last seen is ignored, as the engine ignores it.
 */
final class ObservationStreaks {

    /** One streak: from its first failing observation to its last. */
    record Streak(Instant start, String startId, Instant end, boolean mayBeEarlier) {}

    private static final class Source {
        final List<Streak> closed = new ArrayList<>();
        Streak open;
        Instant lastSeen;
    }

    private final Map<String, Source> sources = new HashMap<>();

    void add(HealthObservation o) {
        Source source = sources.computeIfAbsent(
                key(o.applicationId(), o.region(), o.component(), o.vantage()), k -> new Source());
        if (source.lastSeen != null && o.time().isBefore(source.lastSeen)) {
            return;
        }
        boolean first = source.lastSeen == null;
        source.lastSeen = o.time();
        if (o.status() == HealthStatus.DOWN) {
            source.open = source.open == null
                    ? new Streak(o.time(), o.id(), o.time(), first)
                    : new Streak(source.open.start(), source.open.startId(), o.time(), source.open.mayBeEarlier());
        } else if (source.open != null) {
            source.closed.add(source.open);
            source.open = null;
        }
    }

    /** The streak of this vantage point that contains {@code at}, or null. */
    Streak streakAt(String application, String region, String component, String vantage, Instant at) {
        Source source = sources.get(key(application, region, component, vantage));
        if (source == null) {
            return null;
        }
        List<Streak> all = new ArrayList<>(source.closed);
        if (source.open != null) {
            all.add(source.open);
        }
        for (Streak s : all) {
            if (!at.isBefore(s.start()) && !at.isAfter(s.end())) {
                return s;
            }
        }
        return null;
    }

    private static String key(String application, String region, String component, String vantage) {
        return application + '\u0000' + region + '\u0000' + component + '\u0000' + vantage;
    }
}
