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
 * @param plan the graceful switchover's steps, by action name
 */
public record ComposePolicy(
        String applicationId,
        String primaryRegion,
        String standbyRegion,
        int quorum,
        Duration staleAfter,
        List<String> plan) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    @SuppressWarnings("unchecked")
    public static ComposePolicy read(Path repository) throws IOException {
        try (Reader reader = Files.newBufferedReader(repository.resolve("deploy/compose/decision-engine.yml"))) {
            Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, Object> decision =
                    (Map<String, Object>) ((Map<String, Object>) root.get("mrm")).get("decision");
            Map<String, Object> app = ((List<Map<String, Object>>) decision.get("applications")).get(0);
            return new ComposePolicy(
                    String.valueOf(app.get("id")),
                    String.valueOf(app.get("primary-region")),
                    String.valueOf(app.get("standby-region")),
                    ((Number) app.get("quorum")).intValue(),
                    duration(String.valueOf(app.get("stale-after"))),
                    ((List<Object>) app.get("plan"))
                            .stream().map(String::valueOf).toList());
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
