package io.mrm.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Field checks used by the compact constructors of every event record, so that no invalid event
 * can exist in memory. Messages name the field, because they end up in dead-letter reasons.
 */
public final class Require {

    /** Event and request ids: what CloudEvents allows, restricted to a safe alphabet. */
    public static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** Application ids, region ids, vantage ids, component names, operator ids: DNS-label-like. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Operator ids may be e-mail-like. */
    public static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");
    /** A request nonce: 16-128 characters of base64url. */
    public static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    /** A 64-byte Ed25519 signature in standard base64. */
    public static final Pattern ED25519_SIGNATURE = Pattern.compile("[A-Za-z0-9+/]{86}==");
    /**
     * A Kafka cluster id, which names the environment an operator request is signed for: base64url
     * (Kafka's own are the 22 characters of a UUID), at most 64.
     */
    public static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public static final int MAX_TEXT = 2048;

    private Require() {}

    /** The checks every event shares: id, application id, time and schema version. */
    public static void common(String id, String applicationId, Instant time, int schemaVersion) {
        id("id", id);
        name("applicationId", applicationId);
        present("time", time);
        schemaVersion(schemaVersion);
    }

    public static <T> T present(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    public static String id(String field, String value) {
        return checked(field, value, isEventId(value), "1-128 characters of [A-Za-z0-9._:-]");
    }

    public static String optionalId(String field, String value) {
        return value == null ? null : id(field, value);
    }

    public static String name(String field, String value) {
        return checked(field, value, isName(value), "lower-case letters, digits and '-', at most 63 characters");
    }

    public static String optionalName(String field, String value) {
        return value == null ? null : name(field, value);
    }

    public static String operator(String field, String value) {
        return matches(field, value, OPERATOR, "1-128 characters of [A-Za-z0-9._@+-]");
    }

    public static String clusterId(String field, String value) {
        return matches(field, value, CLUSTER_ID, "a Kafka cluster id: 1-64 characters of [A-Za-z0-9_-]");
    }

    public static String optionalClusterId(String field, String value) {
        return value == null ? null : clusterId(field, value);
    }

    public static String text(String field, String value) {
        present(field, value);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return optionalText(field, value);
    }

    public static String optionalText(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_TEXT + " characters");
        }
        return value;
    }

    /** For pairs of regions that must not be the same one (a drain from a region to itself is no step). */
    public static void different(String field, String value, String otherField, String other) {
        if (value != null && value.equals(other)) {
            throw new IllegalArgumentException(
                    field + " must differ from " + otherField + ", both are '" + abbreviate(value) + "'");
        }
    }

    public static int schemaVersion(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("schemaVersion is required and must be >= 1, was " + value);
        }
        return value;
    }

    public static long atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    public static int atLeast(String field, int value, int min) {
        return (int) atLeast(field, (long) value, (long) min);
    }

    /** Null becomes empty; the result is immutable; null elements are refused. */
    public static <T> List<T> list(String field, List<T> value) {
        if (value == null) {
            return List.of();
        }
        for (int i = 0; i < value.size(); i++) {
            present(field + "[" + i + "]", value.get(i));
        }
        return List.copyOf(value);
    }

    public static Map<String, String> map(String field, Map<String, String> value) {
        if (value == null) {
            return Map.of();
        }
        value.forEach((k, v) -> {
            present(field + " key", k);
            present(field + "[" + k + "]", v);
        });
        return Map.copyOf(value);
    }

    private static String matches(String field, String value, Pattern pattern, String rule) {
        present(field, value);
        return checked(field, value, pattern.matcher(value).matches(), rule);
    }

    private static String checked(String field, String value, boolean valid, String rule) {
        present(field, value);
        if (!valid) {
            throw new IllegalArgumentException(field + " '" + abbreviate(value) + "' is not valid: " + rule);
        }
        return value;
    }

    // Every event's id and names are checked on every decode; these loops say exactly what the
    // patterns EVENT_ID and NAME say (RequireTest compares them on random strings) at a fraction
    // of a regex match's cost.

    /** {@link #EVENT_ID}, without the regex engine. */
    static boolean isEventId(String value) {
        if (value == null || value.isEmpty() || value.length() > 128 || !alnum(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** {@link #NAME}, without the regex engine. */
    static boolean isName(String value) {
        int n = value == null ? 0 : value.length();
        if (n == 0 || n > 63 || !lowerAlnum(value.charAt(0)) || !lowerAlnum(value.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = value.charAt(i);
            if (!lowerAlnum(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean lowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
