package io.mrm.kafka;

import java.nio.file.Path;
import java.util.List;

/**
 * A credential as configured: exactly one of an environment variable or a mounted file (e.g. a
 * Kubernetes Secret), never the value itself. Every service binds its credentials to this.
 *
 * @param env  the environment variable's name
 * @param file the file's path
 */
public record SecretSetting(String env, String file) {

    /**
     * The reference this setting names, or null after adding a problem named by {@code key} when
     * it names neither or both.
     */
    public static SecretReference check(List<String> problems, String key, SecretSetting setting) {
        boolean env = setting != null && setting.env() != null && !setting.env().isBlank();
        boolean file =
                setting != null && setting.file() != null && !setting.file().isBlank();
        if (env == file) {
            problems.add(key + " needs exactly one of " + key + ".env (an environment variable) or " + key
                    + ".file (a mounted secret file)");
            return null;
        }
        return setting.reference();
    }

    /** The reference; call only on a setting {@link #check} accepted. */
    public SecretReference reference() {
        return env != null && !env.isBlank()
                ? SecretReference.env(env.trim())
                : SecretReference.file(Path.of(file.trim()));
    }
}
