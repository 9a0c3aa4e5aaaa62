package io.mrm.mrmctl.domain;

import io.mrm.decision.policy.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** How mrmctl reads durations (--timeout, --tick) and points in time (--from, --to): one syntax for all. */
public final class TimeArgument {

    private TimeArgument() {}

    /**
     * The services' duration syntax ({@link Durations}): 500ms, 30s, 2m, 1h, 7d, ISO-8601 (PT30S).
     *
     * @throws IllegalArgumentException when it is none of these
     */
    public static Duration duration(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
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
