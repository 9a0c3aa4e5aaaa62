package io.mrm.kafka.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Database connections outside this machine must verify TLS: a failover manager's database user can
 * fence, promote and read every table, and its password crosses the wire. PostgreSQL needs
 * {@code sslmode=verify-full} (encrypted, and the server's certificate and host name checked), SAP HANA
 * {@code encrypt=true&validateCertificate=true}. Loopback needs neither. A configuration may opt out
 * explicitly (a local stack without certificates); the service then logs that it does, at every start.
 */
public final class DatabaseTls {

    private DatabaseTls() {}

    /**
     * What is wrong with {@code jdbcUrl}'s TLS settings, or null. {@code key} names the setting in the
     * message; {@code optOutKey} names the setting that would allow it.
     */
    public static String problem(String key, String jdbcUrl, String optOutKey) {
        if (jdbcUrl == null) {
            return null; // "missing" is reported by the caller
        }
        String url = jdbcUrl.trim();
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            if (onlyLoopback(url, "jdbc:postgresql://")) {
                return null;
            }
            String sslmode = parameters(url).get("sslmode");
            return "verify-full".equalsIgnoreCase(sslmode)
                    ? null
                    : key + " must verify TLS outside loopback: add "
                            + "sslmode=verify-full (was " + (sslmode == null ? "not set" : "sslmode=" + sslmode)
                            + "), or set "
                            + optOutKey + ": true for a stack without certificates";
        }
        if (lower.startsWith("jdbc:sap:")) {
            if (onlyLoopback(url, "jdbc:sap://")) {
                return null;
            }
            Map<String, String> p = parameters(url);
            boolean ok =
                    "true".equalsIgnoreCase(p.get("encrypt")) && "true".equalsIgnoreCase(p.get("validatecertificate"));
            return ok
                    ? null
                    : key + " must verify TLS outside loopback: add encrypt=true&validateCertificate=true, " + "or set "
                            + optOutKey + ": true for a stack without certificates";
        }
        return null;
    }

    /**
     * The URL's query parameters, names lower-cased (JDBC drivers read them case-insensitively), values as
     * written (a certificate's path is case-sensitive).
     */
    public static Map<String, String> parameters(String jdbcUrl) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return parameters;
        }
        for (String pair : jdbcUrl.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parameters.put(
                        pair.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                        pair.substring(eq + 1).trim());
            }
        }
        return parameters;
    }

    /** Whether every host the URL names is this machine (so nothing crosses a network). */
    static boolean onlyLoopback(String url, String prefix) {
        if (!url.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            return false;
        }
        String rest = url.substring(prefix.length());
        int end = rest.length();
        for (char stop : new char[] {'/', '?'}) {
            int i = rest.indexOf(stop);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String hosts = rest.substring(0, end);
        if (hosts.isEmpty()) {
            return true; // the driver's default: localhost
        }
        for (String hostPort : hosts.split(",")) {
            String host = hostPort.startsWith("[")
                    ? hostPort.substring(1, Math.max(1, hostPort.indexOf(']')))
                    : hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
            if (!Loopback.host(host)) {
                return false;
            }
        }
        return true;
    }
}
