package io.mrm.mrmctl.domain.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads --from / --to: an ISO-8601 instant, or a duration meaning "that long ago" (30m, 2h, 7d). */
public final class AuditTime {

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private AuditTime() {
    }

    /**
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    public static Instant parse(String option, String value, Instant now) {
        if (value == null) {
            return null;
        }
        String text = value.trim();
        Matcher m = AGO.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration ago = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(ago);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(option + " '" + value + "' is not a time: give an ISO-8601 instant "
                        + "(2026-11-25T10:00:00Z) or how long ago (30m, 2h, 7d)");
            }
        }
    }
}
