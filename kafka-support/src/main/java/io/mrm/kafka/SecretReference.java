package io.mrm.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a credential lives: an environment variable or a mounted file (e.g. a Kubernetes
 * {@code Secret}), never the configuration itself. It is read each time it is needed, so a rotated
 * file (e.g. an OAuth token a sidecar refreshes) takes effect without a restart.
 * {@link #toString()} names the reference, never the value. Shared by every service that holds a
 * credential (probes, DNS backends, SEMP, JDBC).
 */
public final class SecretReference {

    private final String env;
    private final Path file;
    private final Function<String, String> environment;

    private SecretReference(String env, Path file, Function<String, String> environment) {
        this.env = env;
        this.file = file;
        this.environment = environment;
    }

    public static SecretReference env(String variable) {
        return new SecretReference(Objects.requireNonNull(variable), null, System::getenv);
    }

    /** For tests: an environment of one's own. */
    public static SecretReference env(String variable, Map<String, String> environment) {
        return new SecretReference(Objects.requireNonNull(variable), null, environment::get);
    }

    public static SecretReference file(Path file) {
        return new SecretReference(null, Objects.requireNonNull(file), null);
    }

    /** A value fixed in code, for tests, the benchmark and the sandbox only. */
    public static SecretReference literal(String value) {
        return new SecretReference("(literal)", null, name -> value);
    }

    /**
     * The secret, without surrounding white space (files usually end with a line break).
     *
     * @throws IllegalStateException naming the reference, not the value, if it cannot be read or is empty
     */
    public String read() {
        String value;
        if (env != null) {
            value = environment.apply(env);
            if (value == null) {
                throw new IllegalStateException(
                        "credential not available: environment variable " + env + " is not set");
            }
        } else {
            try {
                value = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("credential not available: cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        value = value.strip();
        if (value.isEmpty()) {
            throw new IllegalStateException("credential not available: " + this + " is empty");
        }
        return value;
    }

    @Override
    public String toString() {
        return env != null ? "environment variable " + env : "file " + file;
    }
}
