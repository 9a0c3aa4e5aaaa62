package io.mrm.chaos.domain;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The application's writes during a run: the rows whose commit the primary's database confirmed to the writer,
 * and the rows each region's database holds at the end (read from the databases).
 *
 * @param confirmed the ids whose INSERT's commit returned successfully
 * @param held      region to the ids its database holds
 */
public record RowLedger(Set<Long> confirmed, Map<String, Set<Long>> held) {

    /** No rows written (a history without a writer). */
    public static final RowLedger NONE = new RowLedger(Set.of(), Map.of());

    public RowLedger {
        confirmed = Set.copyOf(confirmed);
        held = Map.copyOf(held);
    }

    /** The confirmed ids {@code region}'s database lacks, in order. */
    public Set<Long> missingIn(String region) {
        Set<Long> missing = new TreeSet<>(confirmed);
        missing.removeAll(held.getOrDefault(region, Set.of()));
        return missing;
    }
}
