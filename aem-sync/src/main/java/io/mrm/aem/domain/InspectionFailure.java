package io.mrm.aem.domain;

/**
 * A read of a broker for a readiness check that did not yield an answer, classified by what it means for
 * the step: the message names the request and the broker, never a credential.
 */
public final class InspectionFailure extends Exception {

    /** What went wrong, as far as a step that would send the same request is concerned. */
    public enum Kind {
        /** HTTP 401: the user name and password, or the token, were not accepted. */
        CREDENTIALS_REFUSED,
        /** HTTP 403: authenticated, but the SEMP user's access level does not allow the request. */
        NOT_AUTHORISED,
        /** The Message VPN (or another object read) does not exist on the broker. */
        NOT_FOUND,
        /** No conclusive answer: a timeout, no connection, HTTP 5xx or 429, a body that is not SEMP. */
        NO_ANSWER,
        /** Any other refusal that sending the request again would meet too (e.g. a certificate not trusted). */
        REFUSED
    }

    private final Kind kind;

    public InspectionFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
