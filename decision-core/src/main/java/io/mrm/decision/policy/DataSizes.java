package io.mrm.decision.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spring's data size syntax, the one the services' configuration uses ({@code DataSize.parse}): a whole
 * number followed by B, KB, MB, GB or TB (binary multiples, upper case as Spring requires), or a bare number
 * of bytes. Policy files read sizes through it, so a size means the same wherever it is written.
 */
public final class DataSizes {

    private static final Pattern SIZE = Pattern.compile("([+\\-]?\\d+)\\s*([a-zA-Z]{0,2})");
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    private DataSizes() {}

    /** @throws IllegalArgumentException when the text is not a data size */
    public static long parse(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a data size");
        }
        String unit = m.group(2).isEmpty() ? "B" : m.group(2);
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                try {
                    return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << (10 * i));
                } catch (ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException("'" + value + "' is too large a data size");
                }
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a data size");
    }

    /** The shortest exact form: 512MB, 1GB, 1000B. */
    public static String format(long bytes) {
        for (int i = UNITS.length - 1; i > 0; i--) {
            long unit = 1L << (10 * i);
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + UNITS[i];
            }
        }
        return bytes + "B";
    }
}
