package io.mrm.aem.adapter;

import io.mrm.events.ack.ActuatorFailure;

/**
 * A SEMP request the broker answered with an error: the failure as the acknowledgements classify it, plus
 * the HTTP status (or {@code meta.responseCode}) it came with. Solace asks clients to act on the status and
 * keep the error strings "only for logging", so the readiness checks tell refused credentials (401), a
 * missing access level (403) and a missing object by it.
 */
final class SempFailure extends ActuatorFailure {

    private final int status;

    SempFailure(int status, boolean retriable, String code, String message) {
        super(retriable, code, message, null);
        this.status = status;
    }

    int status() {
        return status;
    }
}
