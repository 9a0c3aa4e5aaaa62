package io.mrm.health.config;

/** {@code host}, {@code host:port} or {@code [v6]:port}, as written in the configuration. */
record HostPort(String host, int port) {

    static HostPort parse(String text, int defaultPort) {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' lacks the closing ] of an IPv6 address");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                if (t.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("'" + text + "' must be host, host:port or [v6]:port");
                }
                port = t.substring(close + 2);
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            host = t; // a bare IPv6 address
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            port = colon < 0 ? null : t.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("'" + text + "' names no host");
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
            }
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a port outside 1-65535");
        }
        return new HostPort(host, p);
    }
}
