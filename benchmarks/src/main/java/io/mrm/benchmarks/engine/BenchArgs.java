package io.mrm.benchmarks.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code --key=value} options with defaults; an unknown key is an error, so typos do not go unnoticed. */
public final class BenchArgs {

    private final Map<String, String> values = new HashMap<>();

    public BenchArgs(String[] args, Map<String, String> defaults) {
        values.putAll(defaults);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !defaults.containsKey(arg.substring(2, eq))) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; options: " + defaults);
            }
            values.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
    }

    public String text(String key) {
        return values.get(key);
    }

    public int integer(String key) {
        return Integer.parseInt(values.get(key));
    }

    public Duration duration(String key) {
        String value = values.get(key);
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        return Duration.parse("PT" + value.toUpperCase());
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
