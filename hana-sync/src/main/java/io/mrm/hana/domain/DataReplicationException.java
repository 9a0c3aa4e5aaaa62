package io.mrm.hana.domain;

/** A backend failure, classified: retriable (connection lost, lock timeout) or fatal (auth, missing table). */
public class DataReplicationException extends Exception {

    private final boolean retriable;
    private final String code;

    public DataReplicationException(boolean retriable, String code, String message, Throwable cause) {
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
