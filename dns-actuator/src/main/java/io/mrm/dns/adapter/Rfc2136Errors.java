package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsFencedException;
import io.mrm.events.ack.ActuatorFailure;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.WireParseException;

/**
 * The RFC 2136 backend's one error classifier: what a server's answer or a transport failure means
 * for the command. Prerequisite failures are {@link DnsFencedException} (someone changed the name
 * since it was read); authorization, zone and signature errors are fatal, because retrying with the
 * same key and zone cannot succeed; SERVFAIL, timeouts and unreachable servers are retriable.
 */
public final class Rfc2136Errors {

    /** The server does not sign its answers with our key, or the signature does not verify. */
    public static final String TSIG_NOT_VERIFIED = "TSIG_NOT_VERIFIED";
    /** The server answered a query without the authoritative flag: not the primary for the zone. */
    public static final String NOT_AUTHORITATIVE = "NOT_AUTHORITATIVE";

    public static final String TIMEOUT = "TIMEOUT";
    public static final String UNREACHABLE = "UNREACHABLE";
    public static final String BAD_RESPONSE = "BAD_RESPONSE";

    private Rfc2136Errors() {}

    /**
     * @param rcode      the response code of the answer
     * @param tsigError  the error field of the answer's TSIG record ({@link Rcode#NOERROR} when absent)
     * @param update     true for an UPDATE, whose prerequisite codes mean "fenced"
     * @param what       what was asked, for the message, e.g. {@code UPDATE of shop.example.com.}
     * @return the exception to throw, or null when the answer is a success
     */
    public static ActuatorFailure classify(int rcode, int tsigError, boolean update, String what) {
        if (tsigError != Rcode.NOERROR) {
            String code = Rcode.TSIGstring(tsigError);
            return ActuatorFailure.fatal(
                    code,
                    what + " was refused: TSIG " + code
                            + " (the key name, algorithm or secret does not match the server's, or the clocks differ by"
                            + " more than the fudge)");
        }
        String name = Rcode.string(rcode);
        return switch (rcode) {
            case Rcode.NOERROR -> null;
            // NXDOMAIN answers a query for a name that does not exist: that is an empty RRset, not an error
            case Rcode.NXDOMAIN -> update ? fenced(what, name) : null;
            case Rcode.NXRRSET, Rcode.YXRRSET, Rcode.YXDOMAIN ->
                update ? fenced(what, name) : ActuatorFailure.fatal(name, what + " failed: " + name);
            case Rcode.SERVFAIL -> ActuatorFailure.retriable(name, what + " failed: the server answered SERVFAIL");
            case Rcode.NOTAUTH ->
                ActuatorFailure.fatal(
                        name,
                        what + " was refused: NOTAUTH (the server is not"
                                + " authoritative for the zone, or does not accept the key)");
            case Rcode.NOTZONE ->
                ActuatorFailure.fatal(
                        name, what + " was refused: NOTZONE (a name is outside" + " the configured zone)");
            case Rcode.REFUSED ->
                ActuatorFailure.fatal(
                        name,
                        what + " was refused: REFUSED (the server's"
                                + " update policy does not allow this key to change the name)");
            default -> ActuatorFailure.fatal(name, what + " failed: " + name);
        };
    }

    private static DnsFencedException fenced(String what, String rcode) {
        return new DnsFencedException(
                what + " was not applied: a prerequisite failed (" + rcode
                        + "), so the name or its fencing token changed since it was read",
                null);
    }

    /** A failure to get an answer at all: timeouts and unreachable servers are retriable. */
    public static ActuatorFailure transport(Throwable error, String what, String server) {
        Throwable cause = unwrap(error);
        if (cause instanceof TimeoutException
                || cause instanceof SocketTimeoutException
                || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
            return ActuatorFailure.retriable(TIMEOUT, what + ": no answer from " + server + " in time", cause);
        }
        if (cause instanceof WireParseException) {
            return ActuatorFailure.retriable(
                    BAD_RESPONSE, what + ": " + server + " sent an unreadable answer: " + cause.getMessage(), cause);
        }
        if (cause instanceof IOException) {
            return ActuatorFailure.retriable(
                    UNREACHABLE,
                    what + ": " + server + " is unreachable: "
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : " " + cause.getMessage()),
                    cause);
        }
        return ActuatorFailure.fatal(cause.getClass().getSimpleName(), what + " failed: " + cause, cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
