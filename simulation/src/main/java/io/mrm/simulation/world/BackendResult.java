package io.mrm.simulation.world;

import io.mrm.events.ack.AckOutcome;

/**
 * What a backend answered to one operation, as the real adapters classify it.
 *
 * @param backendEpoch the fencing token the backend holds after the operation (on a stale refusal: the one
 *                     that refused it); 0 when the backend keeps none for this operation
 * @param changed      whether the operation changed anything
 */
public record BackendResult(AckOutcome outcome, String code, String detail, long backendEpoch, boolean changed) {

    static BackendResult ok(String detail, long backendEpoch, boolean changed) {
        return new BackendResult(AckOutcome.SUCCEEDED, null, detail, backendEpoch, changed);
    }

    static BackendResult retriable(String code, String detail, long backendEpoch) {
        return new BackendResult(AckOutcome.FAILED_RETRIABLE, code, detail, backendEpoch, false);
    }

    static BackendResult fatal(String code, String detail, long backendEpoch) {
        return new BackendResult(AckOutcome.FAILED_FATAL, code, detail, backendEpoch, false);
    }

    static BackendResult stale(String code, String detail, long backendEpoch) {
        return new BackendResult(AckOutcome.REJECTED_STALE, code, detail, backendEpoch, false);
    }
}
