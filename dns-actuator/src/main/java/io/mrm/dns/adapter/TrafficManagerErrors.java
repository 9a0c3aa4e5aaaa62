package io.mrm.dns.adapter;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import io.mrm.events.ack.ActuatorFailure;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Azure Resource Manager's errors, classified: 408, 409 (another operation in progress), 429 and
 * 5xx, time-outs and I/O errors are retriable; 400, 401, 403, 404 and a credential that cannot get a
 * token are fatal.
 */
final class TrafficManagerErrors {

    private TrafficManagerErrors() {}

    static ActuatorFailure classify(RuntimeException e) {
        if (e instanceof ClientAuthenticationException auth && auth.getResponse() == null) {
            // the credential could not get a token at all (nothing configured, or refused)
            return ActuatorFailure.fatal("AUTHENTICATION", "Azure credential: " + auth.getMessage(), e);
        }
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String code = e instanceof ManagementException m
                            && m.getValue() != null
                            && m.getValue().getCode() != null
                    ? m.getValue().getCode()
                    : "HTTP_" + status;
            String message = e instanceof ManagementException m
                            && m.getValue() != null
                            && m.getValue().getMessage() != null
                    ? m.getValue().getMessage()
                    : "status " + status;
            boolean retriable = status == 408 || status == 409 || status == 429 || status >= 500;
            return ActuatorFailure.of(retriable, code, "Traffic Manager (" + status + "): " + message, e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return ActuatorFailure.retriable("TIMEOUT", "Traffic Manager did not answer in time", e);
            }
            if (t instanceof IOException) {
                return ActuatorFailure.retriable(
                        "IO_ERROR",
                        "cannot reach Azure Resource Manager: " + t.getClass().getSimpleName()
                                + (t.getMessage() == null ? "" : ": " + t.getMessage()),
                        e);
            }
        }
        return ActuatorFailure.fatal("CLIENT_ERROR", "Traffic Manager client: " + e.getMessage(), e);
    }
}
