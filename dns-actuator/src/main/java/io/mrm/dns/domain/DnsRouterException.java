package io.mrm.dns.domain;

/** A backend failure, classified: retriable (throttling, 5xx, timeout) or fatal (auth, missing zone). */
public class DnsRouterException extends Exception {

    private final boolean retriable;
    private final String code;

    public DnsRouterException(boolean retriable, String code, String message, Throwable cause) {
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
