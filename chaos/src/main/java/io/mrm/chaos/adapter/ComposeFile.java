package io.mrm.chaos.adapter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml read as Compose reads it: anchors and {@code <<:} merges resolved (SnakeYAML), and
 * {@code ${VAR:-default}} taken at its default (the harness has no .env). Each service's environment and volumes.
 */
public final class ComposeFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private final Map<String, Object> services;

    private ComposeFile(Map<String, Object> services) {
        this.services = services;
    }

    @SuppressWarnings("unchecked")
    public static ComposeFile read(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(200);
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> root = new Yaml(new SafeConstructor(options)).load(reader);
            Object services = root.get("services");
            if (!(services instanceof Map)) {
                throw new IOException(file + " has no services");
            }
            return new ComposeFile((Map<String, Object>) services);
        }
    }

    /** The service's environment, merges resolved and variables at their defaults. */
    public Map<String, String> environment(String service) {
        Object environment = service(service).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) ->
                    result.put(String.valueOf(key), value == null ? "" : interpolate(String.valueOf(value))));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String text = String.valueOf(entry);
                int eq = text.indexOf('=');
                result.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : interpolate(text.substring(eq + 1)));
            }
        }
        return result;
    }

    /** The service's bind mounts, container path → host path (relative to the compose file's folder). */
    public Map<String, String> mounts(String service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        Object volumes = service(service).get("volumes");
        if (volumes instanceof List<?> list) {
            for (Object volume : list) {
                String[] parts = String.valueOf(volume).split(":");
                if (parts.length >= 2) {
                    mounts.put(parts[1], parts[0]);
                }
            }
        }
        return mounts;
    }

    /** A build argument of the service's image, e.g. {@code SERVICE} (which module it runs). */
    public String buildArg(String service, String arg) {
        Object build = service(service).get("build");
        if (build instanceof Map<?, ?> map && map.get("args") instanceof Map<?, ?> args && args.get(arg) != null) {
            return String.valueOf(args.get(arg));
        }
        throw new IllegalArgumentException(service + " has no build argument " + arg);
    }

    public List<String> serviceNames() {
        return new ArrayList<>(services.keySet());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> service(String name) {
        Object service = services.get(name);
        if (!(service instanceof Map)) {
            throw new IllegalArgumentException("docker-compose.yml has no service " + name);
        }
        return (Map<String, Object>) service;
    }

    /** {@code ${VAR:-default}} and {@code ${VAR-default}} at their defaults, {@code ${VAR}} empty. */
    static String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
