package io.mrm.health.adapter.probe;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP status codes that count as healthy, both ends included, e.g. {@code 200-299}. */
public record StatusRange(int min, int max) {

    /** 2xx: a redirect is not an answer from the application (it may be a login page or another region's). */
    public static final StatusRange DEFAULT = new StatusRange(200, 299);

    private static final Pattern TEXT = Pattern.compile("\\s*(\\d{3})\\s*(?:-\\s*(\\d{3})\\s*)?");

    public StatusRange {
        if (min < 100 || max > 599 || min > max) {
            throw new IllegalArgumentException(
                    "status range must lie within 100-599 with min <= max, was " + min + "-" + max);
        }
    }

    /** Parses {@code 200-299} or a single code such as {@code 204}. */
    public static StatusRange parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "must be a status range such as 200-299 or a single code such as 204, was '" + text + "'");
        }
        int min = Integer.parseInt(m.group(1));
        int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
        return new StatusRange(min, max);
    }

    /** Whether any redirect status (3xx) is in the range. */
    public boolean includesRedirects() {
        return min <= 399 && max >= 300;
    }

    public boolean contains(int status) {
        return status >= min && status <= max;
    }

    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + "-" + max;
    }
}
