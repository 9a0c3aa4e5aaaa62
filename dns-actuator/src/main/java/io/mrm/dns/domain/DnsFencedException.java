package io.mrm.dns.domain;

import io.mrm.events.ack.ActuatorFailure;

/**
 * The authority changed between read and write (another actuator, or a person, got there first).
 * Retriable: the next attempt reads again, and if the new state carries a higher epoch the
 * command is refused as stale. A subtype of the shared failure (not a flag of its own) because the
 * routers' callers and tests tell this case apart by type.
 */
public class DnsFencedException extends ActuatorFailure {

    public static final String CODE = "FENCED";

    public DnsFencedException(String message, Throwable cause) {
        super(true, CODE, message, cause);
    }
}
