package io.mrm.chaos.adapter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The policy of the local stack's application, read from the engine's own config file
 * (deploy/compose/decision-engine.yml), so the invariants judge by what the engine was told.
 *
 * @param plan             the graceful switchover's steps, by action name
 * @param failureThreshold consecutive failures a vantage point must see before it calls a region down
 * @param recoveryThreshold consecutive successes a vantage point must see before it calls a region up again
 * @param holdDown         no second automatic failover for this long after one (the engine's default if unset)
 * @param probeInterval    how often each monitor probes (deploy/compose/health-monitor.yml)
 */
public record ComposePolicy(
        String applicationId,
        String primaryRegion,
        String standbyRegion,
        int quorum,
        Duration staleAfter,
        List<String> plan,
        int failureThreshold,
        int recoveryThreshold,
        Duration holdDown,
        Duration probeInterval) {

    /** The engine's defaults where decision-engine.yml sets nothing (docs/configuration.md): both thresholds 3. */
    static final int DEFAULT_THRESHOLD = 3;

    static final Duration DEFAULT_HOLD_DOWN = Duration.ofHours(1);

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    @SuppressWarnings("unchecked")
    public static ComposePolicy read(Path repository) throws IOException {
        Map<String, Object> health = (Map<String, Object>)
                ((Map<String, Object>) yaml(repository.resolve("deploy/compose/health-monitor.yml"))
                                .get("mrm"))
                        .get("health");
        Map<String, Object> root = yaml(repository.resolve("deploy/compose/decision-engine.yml"));
        Map<String, Object> decision = (Map<String, Object>) ((Map<String, Object>) root.get("mrm")).get("decision");
        Map<String, Object> app = ((List<Map<String, Object>>) decision.get("applications")).get(0);
        return new ComposePolicy(
                String.valueOf(app.get("id")),
                String.valueOf(app.get("primary-region")),
                String.valueOf(app.get("standby-region")),
                ((Number) app.get("quorum")).intValue(),
                duration(String.valueOf(app.get("stale-after"))),
                ((List<Object>) app.get("plan")).stream().map(String::valueOf).toList(),
                app.containsKey("failure-threshold")
                        ? ((Number) app.get("failure-threshold")).intValue()
                        : DEFAULT_THRESHOLD,
                app.containsKey("recovery-threshold")
                        ? ((Number) app.get("recovery-threshold")).intValue()
                        : DEFAULT_THRESHOLD,
                app.containsKey("hold-down") ? duration(String.valueOf(app.get("hold-down"))) : DEFAULT_HOLD_DOWN,
                duration(String.valueOf(health.get("interval"))));
    }

    /** How long a failed region takes to be called down: the threshold's probes, one interval each. */
    public Duration timeToDown() {
        return probeInterval.multipliedBy(failureThreshold);
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
