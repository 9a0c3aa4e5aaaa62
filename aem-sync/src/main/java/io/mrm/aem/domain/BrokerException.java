package io.mrm.aem.domain;

/**
 * An event broker refused or failed an operation, classified: retriable (5xx, throttling, timeout,
 * connection refused) or fatal (authentication, an invalid request, a VPN that does not exist).
 * {@code code} is the broker's own error name (e.g. Solace's {@code NOT_FOUND}) or one of ours. The
 * message never carries a credential.
 */
public class BrokerException extends Exception {

    private final boolean retriable;
    private final String code;

    public BrokerException(boolean retriable, String code, String message) {
        this(retriable, code, message, null);
    }

    public BrokerException(boolean retriable, String code, String message, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
        this.code = code;
    }

    public boolean retriable() {
        return retriable;
    }

    public String code() {
        return code;
    }
}
