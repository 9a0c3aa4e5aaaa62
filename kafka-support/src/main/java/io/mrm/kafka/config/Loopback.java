package io.mrm.kafka.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a configured host is this machine, so that nothing sent to it crosses a network: the one
 * rule behind every "TLS outside loopback" check (database URLs, SEMP, SMF).
 */
public final class Loopback {

    private Loopback() {}

    /**
     * {@code localhost}, or an IPv4/IPv6 literal (brackets allowed) of a loopback address. Any other
     * name is not: it is not resolved here, since what it resolves to can change.
     */
    public static boolean host(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
