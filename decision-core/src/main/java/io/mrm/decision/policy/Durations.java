package io.mrm.decision.policy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spring Boot's duration syntax, the one the services' configuration uses: 500ms, 30s, 5m, 1h, 2d
 * (also ns and us), a bare number of milliseconds, or ISO-8601 (PT30S). Policy files and mrmctl's
 * options read durations through it, so a duration means the same wherever it is written.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("([+]?\\d+)(ns|us|ms|s|m|h|d)?");

    private Durations() {}

    /** @throws IllegalArgumentException when the text is not a duration */
    public static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "ns" -> Duration.ofNanos(n);
                case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000));
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration");
        }
    }
}
