package io.mrm.dns.domain;

/**
 * The authority changed between read and write (another actuator, or a person, got there first).
 * Retriable: the next attempt reads again, and if the new state carries a higher epoch the
 * command is refused as stale.
 */
public class DnsFencedException extends DnsRouterException {

    public static final String CODE = "FENCED";

    public DnsFencedException(String message, Throwable cause) {
        super(true, CODE, message, cause);
    }
}
