package io.mrm.health.config;

import io.mrm.events.Require;
import io.mrm.health.adapter.StatusRange;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * health-monitor settings (prefix {@code mrm.health}).
 *
 * <p>Checked when bound, at start-up: every problem is reported at once and each message names the
 * full key, e.g. {@code mrm.health.targets[1].url must be http or https}. (The checks live in the
 * constructor rather than in Bean Validation annotations because several are cross-field or need
 * the list index in the message.)
 *
 * @param vantage  the id of this monitor instance (vantage point), copied into every observation
 * @param interval time between two probes of a target, unless the target sets its own; at least 100ms
 * @param targets  what to probe
 */
@ConfigurationProperties("mrm.health")
public record HealthMonitorProperties(
        String vantage,
        @DefaultValue(DEFAULT_INTERVAL) Duration interval,
        List<Target> targets) {

    static final String PREFIX = "mrm.health";
    static final String DEFAULT_INTERVAL = "1s";
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    /**
     * One HTTP target.
     *
     * @param applicationId  the application the observations are about
     * @param region         the region this URL reaches
     * @param component      what the URL checks, e.g. {@code app}
     * @param url            http or https; no credentials in it
     * @param expectedStatus status codes that count as UP, {@code 200-399} or a single code
     * @param bodyContains   text the first 5,120 bytes of the body must contain; empty means not checked
     * @param connectTimeout bound on connecting
     * @param readTimeout    bound on the response after connecting
     * @param interval       overrides {@code mrm.health.interval} for this target
     */
    public record Target(
            String applicationId,
            String region,
            @DefaultValue("app") String component,
            String url,
            @DefaultValue("200-399") String expectedStatus,
            String bodyContains,
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("2s") Duration readTimeout,
            Duration interval) {

        /** The interval this target is probed at. */
        public Duration effectiveInterval(Duration defaultInterval) {
            return interval == null ? defaultInterval : interval;
        }

        void check(String key, List<String> problems) {
            checkName(problems, key + ".application-id", applicationId);
            checkName(problems, key + ".region", region);
            checkName(problems, key + ".component", component);
            checkUrl(problems, key + ".url", url);
            if (expectedStatus == null) {
                problems.add(key + ".expected-status is required");
            } else {
                try {
                    StatusRange.parse(expectedStatus);
                } catch (IllegalArgumentException e) {
                    problems.add(key + ".expected-status " + e.getMessage());
                }
            }
            checkPositive(problems, key + ".connect-timeout", connectTimeout);
            checkPositive(problems, key + ".read-timeout", readTimeout);
            if (interval != null) {
                checkInterval(problems, key + ".interval", interval);
            }
        }
    }

    public HealthMonitorProperties {
        targets = targets == null ? List.of() : List.copyOf(targets);
        List<String> problems = new ArrayList<>();
        checkName(problems, PREFIX + ".vantage", vantage);
        checkInterval(problems, PREFIX + ".interval", interval);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            String key = PREFIX + ".targets[" + i + "]";
            int before = problems.size();
            target.check(key, problems);
            if (problems.size() == before) {
                String identity = target.applicationId() + "/" + target.region() + "/" + target.component();
                Integer first = seen.putIfAbsent(identity, i);
                if (first != null) {
                    problems.add(key + " has the same application-id, region and component (" + identity
                            + ") as " + PREFIX + ".targets[" + first + "]; give it another component");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid health-monitor configuration:\n - "
                    + String.join("\n - ", problems));
        }
    }

    private static void checkName(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required");
        } else if (!Require.NAME.matcher(value).matches()) {
            problems.add(key + " '" + value + "' is not valid: lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most 63 characters");
        }
    }

    private static void checkInterval(List<String> problems, String key, Duration value) {
        if (value == null) {
            problems.add(key + " is required");
        } else if (value.compareTo(MIN_INTERVAL) < 0) {
            problems.add(key + " must be at least " + MIN_INTERVAL.toMillis() + "ms, was " + value.toMillis() + "ms");
        }
    }

    private static void checkPositive(List<String> problems, String key, Duration value) {
        if (value == null) {
            problems.add(key + " is required");
        } else if (value.isZero() || value.isNegative()) {
            problems.add(key + " must be positive, was " + value.toMillis() + "ms");
        }
    }

    private static void checkUrl(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required");
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
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.add(key + " must be http or https" + (scheme.isEmpty() ? "" : ", was " + scheme));
        } else if (uri.getHost() == null) {
            problems.add(key + " must name a host");
        } else if (uri.getRawUserInfo() != null) {
            // the URL would end up in logs; credentials come from the environment or mounted files
            problems.add(key + " must not contain credentials");
        }
    }
}
