package io.mrm.aem.adapter;

import io.mrm.events.ack.ActuatorFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;

/**
 * The SEMP client's error classifier. Solace answers a failed request with an HTTP status and a
 * {@code meta.error} object ({@code code}, {@code status}, {@code description}); the status decides
 * whether trying again may help, and the acknowledgement carries Solace's own status as its code and
 * the numeric code and description in its detail.
 */
final class SempErrors {

    /** Solace error statuses that mean the broker is busy or the change could not be made yet. */
    private static final Set<String> RETRIABLE_STATUSES = Set.of(
            "SEMP_RESPONSE_BUFFER_ALLOCATION_FAILED",
            "SERVICE_UNAVAILABLE",
            "TIMEOUT",
            "RESOURCE_TEMPORARILY_UNAVAILABLE");

    private SempErrors() {}

    /**
     * Retriable: HTTP 429, 5xx, or an error status Solace uses for transient conditions. Fatal:
     * 401/403 (credentials or access level), 400 (invalid request, unknown VPN: Solace answers a
     * missing object with 400 {@code NOT_FOUND}), 404 and any other 4xx.
     */
    static boolean retriable(int httpStatus, String sempStatus) {
        if (httpStatus == 429 || httpStatus >= 500) {
            return true;
        }
        return sempStatus != null && RETRIABLE_STATUSES.contains(sempStatus);
    }

    /** The code an acknowledgement carries: Solace's status when it sent one, else the HTTP status. */
    static String code(int httpStatus, String sempStatus) {
        return sempStatus != null && !sempStatus.isBlank() ? sempStatus : "HTTP_" + httpStatus;
    }

    /** A transport failure: no answer at all. All retriable except a TLS handshake the broker's certificate failed. */
    static ActuatorFailure transport(String operation, String broker, IOException error, long timeoutMs) {
        if (error instanceof HttpConnectTimeoutException) {
            return ActuatorFailure.retriable(
                    "CONNECT_TIMEOUT",
                    operation + ": no connection to " + broker + " within the connect timeout",
                    error);
        }
        if (error instanceof HttpTimeoutException) {
            return ActuatorFailure.retriable(
                    "TIMEOUT", operation + ": no answer from " + broker + " within " + timeoutMs + " ms", error);
        }
        if (error instanceof SSLHandshakeException) {
            return ActuatorFailure.fatal(
                    "TLS_HANDSHAKE_FAILED",
                    operation + ": TLS handshake with " + broker + " failed (is its certificate trusted? "
                            + message(error) + ")",
                    error);
        }
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof ConnectException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectException || error instanceof ConnectException) {
            return ActuatorFailure.retriable(
                    "CONNECTION_REFUSED", operation + ": cannot connect to " + broker + " (connection refused)", error);
        }
        if (cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
            return ActuatorFailure.retriable(
                    "UNREACHABLE",
                    operation + ": " + broker + " is unreachable ("
                            + cause.getClass().getSimpleName() + ")",
                    error);
        }
        return ActuatorFailure.retriable("IO_ERROR", operation + " to " + broker + " failed: " + message(error), error);
    }

    private static String message(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
