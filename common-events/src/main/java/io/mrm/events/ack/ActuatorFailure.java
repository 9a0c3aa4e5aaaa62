package io.mrm.events.ack;

import java.util.Objects;

/**
 * A backend refused or failed a step, classified the one way the engine acts on: retriable (throttling, 5xx,
 * a timeout, a lost connection — the plan tries again within the step's attempts) or fatal (authentication, a
 * missing zone, VPN or table, an invalid request — trying again will not help, the plan pauses for an
 * operator). {@code code} is the backend's own error name where it has one (Route 53's {@code Throttling},
 * Solace's {@code NOT_FOUND}, a SQL state) or one of ours. The message never carries a credential.
 */
public class ActuatorFailure extends Exception {

    private final boolean retriable;
    private final String code;

    protected ActuatorFailure(boolean retriable, String code, String message, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Trying again may work. */
    public static ActuatorFailure retriable(String code, String message) {
        return new ActuatorFailure(true, code, message, null);
    }

    /** Trying again may work. */
    public static ActuatorFailure retriable(String code, String message, Throwable cause) {
        return new ActuatorFailure(true, code, message, cause);
    }

    /** Trying again will not help. */
    public static ActuatorFailure fatal(String code, String message) {
        return new ActuatorFailure(false, code, message, null);
    }

    /** Trying again will not help. */
    public static ActuatorFailure fatal(String code, String message, Throwable cause) {
        return new ActuatorFailure(false, code, message, cause);
    }

    /** For a classification computed elsewhere (e.g. from an HTTP status). */
    public static ActuatorFailure of(boolean retriable, String code, String message, Throwable cause) {
        return new ActuatorFailure(retriable, code, message, cause);
    }

    public boolean retriable() {
        return retriable;
    }

    public String code() {
        return code;
    }

    /** The acknowledgement outcome this failure is reported as. */
    public AckOutcome outcome() {
        return retriable ? AckOutcome.FAILED_RETRIABLE : AckOutcome.FAILED_FATAL;
    }
}
