package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsFencedException;
import io.mrm.events.ack.ActuatorFailure;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;

/**
 * Route 53's errors, classified: throttling, 5xx and time-outs are retriable; authentication,
 * authorisation, a missing zone and invalid input are fatal (retrying cannot fix them).
 */
final class Route53Errors {

    /** Codes Route 53 answers with status 400 that go away by waiting. */
    static final Set<String> RETRIABLE_CODES = Set.of(
            "Throttling",
            "ThrottlingException",
            "PriorRequestNotComplete",
            "RequestLimitExceeded",
            "ServiceUnavailable");

    private Route53Errors() {}

    static ActuatorFailure classify(SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null
                            && service.awsErrorDetails().errorCode() != null
                    ? service.awsErrorDetails().errorCode()
                    : "HTTP_" + service.statusCode();
            String message = service.awsErrorDetails() != null
                            && service.awsErrorDetails().errorMessage() != null
                    ? service.awsErrorDetails().errorMessage()
                    : "status " + service.statusCode();
            boolean retriable =
                    RETRIABLE_CODES.contains(code) || service.isThrottlingException() || service.statusCode() >= 500;
            return ActuatorFailure.of(retriable, code, "Route 53: " + message, e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return ActuatorFailure.retriable("TIMEOUT", "Route 53 did not answer in time", e);
        }
        if (e instanceof SdkClientException && causedByIo(e)) {
            return ActuatorFailure.retriable("IO_ERROR", "cannot reach Route 53: " + rootMessage(e), e);
        }
        // e.g. no credentials in any provider of the chain: a configuration problem
        return ActuatorFailure.fatal("CLIENT_ERROR", "Route 53 client: " + e.getMessage(), e);
    }

    /**
     * A rejected change batch. When it was rejected over the fencing token (the DELETE no longer
     * matches, or the CREATE finds one) another writer got there first: fenced. Anything else in the
     * batch is invalid input.
     */
    static ActuatorFailure classifyRejectedBatch(InvalidChangeBatchException e, String tokenName) {
        String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : String.valueOf(e.getMessage());
        if (e.messages() != null && !e.messages().isEmpty()) {
            message = String.join(", ", e.messages());
        }
        String lower = message.toLowerCase(Locale.ROOT);
        boolean aboutToken = lower.contains("name='" + tokenName.toLowerCase(Locale.ROOT) + "'")
                && (lower.contains("not found") || lower.contains("do not match") || lower.contains("already exists"));
        if (aboutToken) {
            return new DnsFencedException(
                    "Route 53 rejected the change batch: the fencing token changed since it was" + " read (" + message
                            + ")",
                    e);
        }
        return ActuatorFailure.fatal("InvalidChangeBatch", "Route 53 rejected the change batch: " + message, e);
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
