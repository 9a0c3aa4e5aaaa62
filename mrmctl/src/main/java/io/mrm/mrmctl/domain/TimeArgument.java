package io.mrm.mrmctl.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How mrmctl reads durations (--timeout, --tick) and points in time (--from, --to): one syntax for all. */
public final class TimeArgument {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private TimeArgument() {
    }

    /**
     * 500ms, 30s, 2m, 1h, 7d or ISO-8601 (PT30S).
     *
     * @throws IllegalArgumentException when it is none of these
     */
    public static Duration duration(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
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
            throw new IllegalArgumentException("'" + value + "' is not a duration (e.g. 30s, 2m, 500ms)");
        }
    }

    /**
     * An ISO-8601 instant (with an offset or Z), or a duration meaning "that long before {@code now}";
     * null stays null.
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    public static Instant instant(String option, String value, Instant now) {
        if (value == null) {
            return null;
        }
        String text = value.trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notAnOffsetTime) {
                try {
                    return now.minus(duration(text));
                } catch (IllegalArgumentException notADuration) {
                    throw new IllegalArgumentException(option + " '" + value + "' is not a time: give an ISO-8601 "
                            + "instant (2026-11-25T10:00:00Z) or how long ago (30m, 2h, 7d)");
                }
            }
        }
    }
}
