package io.mrm.hana.domain;

import java.util.Map;

/**
 * What a replica has still to apply of what its source committed, measured in bytes without changing
 * anything: what a drain with a bound ({@code maxBacklogBytes}) is checked against before it starts.
 *
 * @param bytes   the backlog in bytes; null when the backend cannot measure it in bytes (then a drain is
 *                never refused for its size)
 * @param how     what was measured, or why nothing could be
 * @param details positions and the like, copied into the acknowledgement
 */
public record Backlog(Long bytes, String how, Map<String, String> details) {

    public Backlog {
        if (bytes != null && bytes < 0) {
            throw new IllegalArgumentException("a backlog is not negative: " + bytes);
        }
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Backlog measured(long bytes, String how, Map<String, String> details) {
        return new Backlog(bytes, how, details);
    }

    public static Backlog unknown(String why, Map<String, String> details) {
        return new Backlog(null, why, details);
    }

    public boolean known() {
        return bytes != null;
    }
}
