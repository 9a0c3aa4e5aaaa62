package io.mrm.events.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The candidate nearest to what was typed, by edit distance (ties: the alphabetically first), so that an
 * error can say what was probably meant: the services' unknown-settings check and mrmctl's contexts file.
 */
public final class Nearest {

    private Nearest() {}

    public static Optional<String> of(String typed, Collection<String> candidates) {
        return candidates.stream()
                .min(Comparator.<String>comparingInt(c -> distance(typed, c)).thenComparing(Comparator.naturalOrder()));
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
