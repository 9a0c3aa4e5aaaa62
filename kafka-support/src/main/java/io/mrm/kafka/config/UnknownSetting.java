package io.mrm.kafka.config;

/**
 * A key under {@code mrm.} that no setting of the service takes.
 *
 * @param key        the key as it was written (a file's key, a command-line argument, an environment variable)
 * @param origin     where it was written, e.g. {@code class path resource [decision-engine.yml] - 12:7}
 * @param suggestion the nearest key the service does take; null if there is none
 */
public record UnknownSetting(String key, String origin, String suggestion) {

    @Override
    public String toString() {
        return key + " is not a setting" + (suggestion == null ? "" : "; did you mean " + suggestion + "?") + " ("
                + origin + ")";
    }
}
