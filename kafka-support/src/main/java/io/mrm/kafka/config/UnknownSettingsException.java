package io.mrm.kafka.config;

import java.util.List;
import java.util.stream.Collectors;

/** A service's configuration holds keys under {@code mrm.} that none of its settings takes. */
public class UnknownSettingsException extends IllegalStateException {

    private final transient List<UnknownSetting> unknown;

    public UnknownSettingsException(List<UnknownSetting> unknown) {
        super("unknown settings: no setting of this service takes "
                + (unknown.size() == 1 ? "this key" : "these " + unknown.size() + " keys")
                + " (misspelt, in the wrong place, or meant for another service):"
                + unknown.stream().map(u -> "\n - " + u).collect(Collectors.joining()));
        this.unknown = List.copyOf(unknown);
    }

    public List<UnknownSetting> unknown() {
        return unknown;
    }
}
