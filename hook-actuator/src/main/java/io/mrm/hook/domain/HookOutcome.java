package io.mrm.hook.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a hook step ended.
 *
 * @param status   the result the engine acts on
 * @param detail   what happened, for operators; never a credential
 * @param observed what the hook saw (e.g. an artifact's runtime status per region)
 */
public record HookOutcome(Status status, String detail, Map<String, String> observed) {

    public enum Status {
        /** Done (or, in a rehearsal: could be done). */
        SUCCEEDED,
        /** Trying again may work: a timeout, throttling, a 5xx, a deadline reached while waiting. */
        FAILED_RETRIABLE,
        /** Trying again will not help; the plan pauses for an operator. */
        FAILED_FATAL,
        /** A pre-flight hook said the switch must not happen. */
        VETOED
    }

    public HookOutcome {
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        observed = observed == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(observed));
    }

    public static HookOutcome succeeded(String detail, Map<String, String> observed) {
        return new HookOutcome(Status.SUCCEEDED, detail, observed);
    }

    public static HookOutcome retriable(String detail) {
        return new HookOutcome(Status.FAILED_RETRIABLE, detail, Map.of());
    }

    public static HookOutcome fatal(String detail) {
        return new HookOutcome(Status.FAILED_FATAL, detail, Map.of());
    }

    public HookOutcome withObserved(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(observed);
        all.putAll(more);
        return new HookOutcome(status, detail, all);
    }

    public HookOutcome withDetailPrefix(String prefix) {
        return new HookOutcome(status, prefix + detail, observed);
    }
}
