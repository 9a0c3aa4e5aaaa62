package io.mrm.kafka.config;

import io.mrm.events.Require;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The checks every service's settings share, so that one kind of value is judged, and explained, the same
 * way everywhere. Each adds a problem naming the setting's key to {@code problems} and returns normally; the
 * caller reports all problems at once.
 */
public final class SettingChecks {

    private SettingChecks() {}

    /** What a URL setting may be. */
    public enum UrlRule {
        /** An http or https URL of any path (a probe target, a webhook). */
        HTTP_OR_HTTPS,
        /**
         * A service's address only (scheme, host, port) over https; plain http only to loopback (the
         * sandbox and tests), since the credentials sent there would otherwise cross a network in clear.
         */
        HTTPS_ADDRESS_EXCEPT_LOOPBACK
    }

    /** A required text setting. Returns whether it was given. */
    public static boolean required(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required");
            return false;
        }
        return true;
    }

    /** A required duration above zero. */
    public static void positive(List<String> problems, String key, Duration value) {
        if (value == null) {
            problems.add(key + " is required");
        } else if (value.isZero() || value.isNegative()) {
            problems.add(key + " must be positive, was " + millis(value));
        }
    }

    /** A required duration within [min, max]. */
    public static void between(List<String> problems, String key, Duration value, Duration min, Duration max) {
        if (value == null) {
            problems.add(key + " is required");
        } else if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problems.add(key + " must be between " + millis(min) + " and " + millis(max) + ", was " + millis(value));
        }
    }

    /** A required name as the suite writes them: lower-case letters, digits and '-', at most 63 characters. */
    public static void name(List<String> problems, String key, String value) {
        if (required(problems, key, value) && !Require.NAME.matcher(value).matches()) {
            problems.add(key + " '" + value + "' is not valid: lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most 63 characters");
        }
    }

    /**
     * A required URL under {@code rule}. {@code example} (may be null) is shown when the setting is missing.
     * A URL never carries credentials: it ends up in logs, and credentials come from the environment or
     * mounted files.
     */
    public static void url(List<String> problems, String key, String value, UrlRule rule, String example) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required" + (example == null ? "" : ", e.g. " + example));
            return;
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            problems.add(key + " is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = rule == UrlRule.HTTPS_ADDRESS_EXCEPT_LOOPBACK;
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.add(key + " must be " + (https ? "https" : "http or https")
                    + (scheme.isEmpty() ? "" : ", was " + scheme));
        } else if (uri.getHost() == null) {
            problems.add(key + " must name a host");
        } else if (uri.getRawUserInfo() != null) {
            problems.add(key + " must not contain credentials (they come from the environment or mounted files)");
        } else if (https
                && (uri.getRawQuery() != null
                        || uri.getRawFragment() != null
                        || (uri.getRawPath() != null
                                && !uri.getRawPath().isEmpty()
                                && !uri.getRawPath().equals("/")))) {
            problems.add(key + " must be the service's address only (scheme, host, port), without path or query");
        } else if (https && scheme.equals("http") && !Loopback.host(uri.getHost())) {
            problems.add(key + " must be https: plain http would send the credentials in clear (allowed only on "
                    + "loopback, for the sandbox and tests)");
        }
    }

    private static String millis(Duration value) {
        return value.toMillis() + "ms";
    }
}
