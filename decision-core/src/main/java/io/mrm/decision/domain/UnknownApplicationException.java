package io.mrm.decision.domain;

/** An input names an application that has no policy: the adapter dead-letters it. */
public class UnknownApplicationException extends RuntimeException {

    public UnknownApplicationException(String applicationId) {
        super("no policy is configured for application '" + applicationId + "'");
    }
}
