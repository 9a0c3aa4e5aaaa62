package io.mrm.health.adapter.probe;

import com.solacesystems.jcsmp.JCSMPErrorResponseException;
import com.solacesystems.jcsmp.JCSMPLoginFailureException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The JCSMP probe's error classifier: turns what JCSMP threw at each step (connect and login, binding
 * the flow, publishing) into a short, credential-free reason for operators. JCSMP's own messages carry
 * the client name and connection info in parentheses; those are cut.
 */
final class JcsmpFailures {

    private static final Pattern CLIENT_INFO = Pattern.compile("\\((Client name|Client-)[^)]*\\)\\s*-?\\s*");
    private static final String LOGIN_TIMEOUT = "login request timeout";

    private JcsmpFailures() {}

    /** Connecting and logging in failed. */
    static String connect(JcsmpTransport.Settings settings, Throwable error) {
        String host = settings.host();
        Integer code = responseCode(error);
        if (code != null && code == 401) {
            return "authentication failed: " + host + " refused client username " + settings.username()
                    + " on message VPN " + settings.vpn() + " (" + reason(error) + ")";
        }
        if (code != null) {
            return "login to " + host + " (message VPN " + settings.vpn() + ") refused: " + reason(error);
        }
        Throwable network = find(
                error,
                ConnectException.class,
                NoRouteToHostException.class,
                UnknownHostException.class,
                SSLException.class,
                CertificateException.class,
                SocketTimeoutException.class);
        if (network instanceof UnknownHostException) {
            return "cannot resolve the host of " + host;
        }
        if (network instanceof ConnectException || network instanceof NoRouteToHostException) {
            String message = clean(network.getMessage()).toLowerCase(Locale.ROOT);
            return "cannot connect to " + host + ": "
                    + (message.contains("refused")
                            ? "connection refused"
                            : message.contains("timed out")
                                    ? "timeout: no connection within "
                                            + settings.connectTimeout().toMillis() + " ms"
                                    : message);
        }
        if (network instanceof SSLException || network instanceof CertificateException) {
            String message = clean(network.getMessage());
            if (message.toLowerCase(Locale.ROOT).contains("timeout")) {
                return "timeout: no TLS handshake with " + host + " within "
                        + settings.connectTimeout().toMillis() + " ms";
            }
            return "TLS handshake with " + host + " failed: " + message;
        }
        String message = reason(error);
        if (message.toLowerCase(Locale.ROOT).contains("certification path")
                || message.toLowerCase(Locale.ROOT).contains("certificate")) {
            return "TLS handshake with " + host + " failed: " + message;
        }
        if (message.toLowerCase(Locale.ROOT).contains(LOGIN_TIMEOUT)) {
            return "timeout: " + host + " accepted the connection but did not answer the login within "
                    + settings.readTimeout().toMillis() + " ms";
        }
        if (network instanceof SocketTimeoutException
                || message.toLowerCase(Locale.ROOT).contains("timed out")
                || message.toLowerCase(Locale.ROOT).contains("timeout")) {
            return "timeout: no session with " + host + " (" + message + ")";
        }
        return "cannot connect to " + host + ": " + message;
    }

    /** Binding the flow to the probe queue failed. */
    static String bind(JcsmpTransport.Settings settings, Throwable error) {
        String hint = "";
        Integer code = responseCode(error);
        String message = reason(error);
        if (message.toLowerCase(Locale.ROOT).contains("unknown queue")) {
            hint = " (create it and subscribe it to topic " + settings.topic() + ")";
        } else if (code != null && code == 403) {
            hint = " (client username " + settings.username() + " may not consume from it)";
        }
        return "cannot bind to queue " + settings.queue() + " on " + settings.host() + ": " + message + hint;
    }

    /** Handing the message over failed. */
    static String publish(JcsmpTransport.Settings settings, Throwable error) {
        return "cannot publish to topic " + settings.topic() + " on " + settings.host() + ": " + reason(error);
    }

    /** A session or flow event's explanation. */
    static String event(String info, Throwable error) {
        if (error != null) {
            return reason(error);
        }
        return info == null || info.isBlank() ? "no reason given" : clean(info);
    }

    /** The broker's response ({@code 401: Unauthorized}) or the most telling message in the cause chain. */
    static String reason(Throwable error) {
        if (error instanceof JCSMPErrorResponseException response) {
            return response.getResponseCode() + " " + response.getResponsePhrase();
        }
        if (error instanceof JCSMPLoginFailureException login) {
            return login.getResponseCode() + " " + login.getResponsePhrase();
        }
        Throwable deepest = error;
        for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
            deepest = t;
        }
        String top = clean(error.getMessage());
        // JCSMP wraps network errors in "Error communicating with the router": the cause says what happened
        if (top.isEmpty() || top.toLowerCase(Locale.ROOT).startsWith("error communicating")) {
            String inner = clean(deepest.getMessage());
            return inner.isEmpty() ? error.getClass().getSimpleName() : inner;
        }
        return top;
    }

    private static Integer responseCode(Throwable error) {
        for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof JCSMPErrorResponseException response) {
                return response.getResponseCode();
            }
            if (t instanceof JCSMPLoginFailureException login) {
                return login.getResponseCode();
            }
        }
        return null;
    }

    @SafeVarargs
    private static Throwable find(Throwable error, Class<? extends Throwable>... types) {
        for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    static String clean(String message) {
        if (message == null) {
            return "";
        }
        return CLIENT_INFO
                .matcher(message)
                .replaceAll("")
                .replaceAll("\\s+", " ")
                .trim();
    }
}
