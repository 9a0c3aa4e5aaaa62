package io.mrm.dns.config;

import io.mrm.dns.adapter.Rfc2136DnsRouter;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Application;
import io.mrm.dns.adapter.Rfc2136DnsRouter.RecordType;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Transport;
import io.mrm.dns.adapter.Rfc2136DnsRouter.TsigKey;
import io.mrm.events.Require;
import io.mrm.kafka.SecretReference;
import io.mrm.kafka.SecretSetting;
import io.mrm.kafka.config.SettingChecks;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The RFC 2136 backend's settings (prefix {@code mrm.dns.rfc2136}), used when
 * {@code mrm.dns.router=RFC2136}. Bound always, checked only then by {@link #routerSettings()}: every
 * problem at once, each message naming the full key.
 *
 * @param server       the zone's primary server, {@code host[:port]} (port 53 by default; {@code [v6]:port})
 * @param transport    TCP (default) or UDP
 * @param timeout      bound on each answer
 * @param ttl          TTL of the records written: resolvers may answer with the old region for this long
 *                     after a switch, and a lower TTL means more queries reach the server
 * @param fencingLabel the label of the fencing token below each switched name ({@code _mrm-epoch.<name>})
 * @param tsig         the TSIG key that signs every message
 * @param applications application id → its switched name
 * @param nameServerPort the port at which verify asks each of the zone's name servers; empty means the
 *                     port of {@code server}
 * @param nameServers  name server (as the zone's NS records name it) → {@code host[:port]} where verify asks
 *                     it instead of at its own addresses, e.g. behind a NAT
 */
@ConfigurationProperties(Rfc2136Properties.PREFIX)
public record Rfc2136Properties(
        String server,
        @DefaultValue("TCP") Transport transport,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("60s") Duration ttl,
        @DefaultValue("_mrm-epoch") String fencingLabel,
        Tsig tsig,
        Map<String, ApplicationName> applications,
        Integer nameServerPort,
        Map<String, String> nameServers) {

    static final String PREFIX = "mrm.dns.rfc2136";
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MAX_TTL = Duration.ofDays(1);

    /**
     * @param keyName   the key's name as the server knows it ({@code key "<name>" { ... };} in named.conf)
     * @param algorithm hmac-sha256 (default), hmac-sha384, hmac-sha512, ...
     * @param secret    where the base64 secret lives: exactly one of {@code env} or {@code file}
     */
    public record Tsig(
            String keyName, @DefaultValue("hmac-sha256") String algorithm, SecretSetting secret) {}

    /**
     * @param zone    the zone the name belongs to, e.g. {@code example.com}
     * @param name    the switched name, fully qualified, e.g. {@code orders.example.com}
     * @param type    CNAME (default), A or AAAA
     * @param targets region → what the name holds when routed there: one host name for CNAME, one or
     *                more addresses for A/AAAA
     */
    public record ApplicationName(
            String zone, String name, @DefaultValue("CNAME") String type, Map<String, List<String>> targets) {}

    public Rfc2136Properties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
        nameServers = nameServers == null ? Map.of() : new LinkedHashMap<>(nameServers);
    }

    /**
     * The router's settings, checked.
     *
     * @throws IllegalArgumentException listing every problem, each naming its key
     */
    public Rfc2136DnsRouter.Settings routerSettings() {
        List<String> problems = new ArrayList<>();
        String host = null;
        int port = 53;
        if (server == null || server.isBlank()) {
            problems.add(PREFIX + ".server is required: the zone's primary server, host[:port]");
        } else {
            try {
                String[] hostPort = hostPort(server.trim());
                host = hostPort[0];
                port = Integer.parseInt(hostPort[1]);
            } catch (IllegalArgumentException e) {
                problems.add(PREFIX + ".server '" + server + "' " + e.getMessage());
            }
        }
        if (transport == null) {
            problems.add(PREFIX + ".transport is required: TCP or UDP");
        }
        SettingChecks.between(problems, PREFIX + ".timeout", timeout, Duration.ofMillis(1), MAX_TIMEOUT);
        SettingChecks.between(problems, PREFIX + ".ttl", ttl, Duration.ofSeconds(1), MAX_TTL);
        if (ttl != null && ttl.toMillis() % 1000 != 0) {
            problems.add(PREFIX + ".ttl must be whole seconds, was " + ttl.toMillis() + "ms");
        }
        if (fencingLabel == null || !fencingLabel.matches("[A-Za-z0-9_-]{1,63}")) {
            problems.add(PREFIX + ".fencing-label '" + fencingLabel + "' must be one DNS label of letters, digits,"
                    + " '_' and '-'");
        }
        TsigKey key = tsigKey(problems);
        Map<String, Application> apps = new LinkedHashMap<>();
        if (applications.isEmpty()) {
            problems.add(PREFIX + ".applications is required: application id -> zone, name, type, targets");
        }
        applications.forEach((id, app) -> {
            String appKey = PREFIX + ".applications." + id;
            if (!Require.NAME.matcher(id).matches()) {
                problems.add(appKey + ": application id '" + id + "' is not valid: lower-case letters, digits and '-'");
                return;
            }
            Application checked = application(problems, appKey, app);
            if (checked != null) {
                apps.put(id, checked);
            }
        });
        if (nameServerPort != null && (nameServerPort < 1 || nameServerPort > 65535)) {
            problems.add(PREFIX + ".name-server-port must be 1-65535, was " + nameServerPort);
        }
        Map<Name, InetSocketAddress> servers = new LinkedHashMap<>();
        nameServers.forEach((server, where) -> {
            String serverKey = PREFIX + ".name-servers." + server;
            Name name = dnsName(problems, serverKey + " (the name server's name)", server);
            if (where == null || where.isBlank()) {
                problems.add(serverKey + " is empty: host[:port] where the name server is asked");
                return;
            }
            try {
                String[] hostPort = hostPort(where.trim());
                if (name != null) {
                    servers.put(name, new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
                }
            } catch (IllegalArgumentException e) {
                problems.add(serverKey + " '" + where + "' " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid RFC 2136 configuration:\n - " + String.join("\n - ", problems));
        }
        return new Rfc2136DnsRouter.Settings(
                host,
                port,
                transport,
                timeout,
                ttl,
                key,
                apps,
                nameServerPort == null ? port : nameServerPort,
                servers);
    }

    private TsigKey tsigKey(List<String> problems) {
        String key = PREFIX + ".tsig";
        if (tsig == null) {
            problems.add(key + " is required: key-name, algorithm and secret.env or secret.file");
            return null;
        }
        Name name = dnsName(problems, key + ".key-name", tsig.keyName());
        Name algorithm = check(
                problems,
                key + ".algorithm",
                () -> TsigKey.algorithm(tsig.algorithm() == null ? "" : tsig.algorithm()));
        SecretReference reference = SecretSetting.check(problems, key + ".secret", tsig.secret());
        if (reference == null) {
            return null;
        }
        return name == null || algorithm == null ? null : new TsigKey(name, algorithm, reference);
    }

    private Application application(List<String> problems, String key, ApplicationName app) {
        if (app == null) {
            problems.add(key + " is empty");
            return null;
        }
        int before = problems.size();
        Name zone = dnsName(problems, key + ".zone", app.zone());
        Name name = dnsName(problems, key + ".name", app.name());
        RecordType type = recordType(app.type());
        if (type == null) {
            problems.add(key + ".type '" + app.type() + "' must be CNAME, A or AAAA");
        }
        if (zone != null && name != null && !name.subdomain(zone)) {
            problems.add(key + ".name " + name + " is not inside " + key + ".zone " + zone);
        } else if (zone != null && name != null && type == RecordType.CNAME && name.equals(zone)) {
            problems.add(key + ".name is the zone's apex, which cannot hold a CNAME; use type A or AAAA");
        }
        Map<String, List<String>> targets = app.targets() == null ? Map.of() : app.targets();
        if (targets.isEmpty()) {
            problems.add(key + ".targets is required: region -> "
                    + (type == RecordType.CNAME || type == null ? "host name" : "addresses") + ", e.g. " + key
                    + ".targets.eu10=orders.eu10.example.com");
        }
        targets.forEach((region, data) -> {
            String regionKey = key + ".targets." + region;
            if (!Require.NAME.matcher(region).matches()) {
                problems.add(regionKey + ": region '" + region + "' is not valid: lower-case letters, digits and '-'");
            }
            if (data == null || data.isEmpty()) {
                problems.add(regionKey + " is empty");
            } else if (type == RecordType.CNAME && data.size() > 1) {
                problems.add(regionKey + " has " + data.size() + " host names; a CNAME has exactly one");
            } else if (type != null && name != null) {
                for (int i = 0; i < data.size(); i++) {
                    String item = data.get(i);
                    check(problems, regionKey + "[" + i + "]", () -> Application.record(name, type, item, 0));
                }
            }
        });
        if (problems.size() > before || zone == null || name == null || type == null || fencingLabel == null) {
            return null;
        }
        // what is left to find: the same target under two regions, a token name that is too long
        return check(problems, key, () -> new Application(zone, name, type, targets, fencingLabel));
    }

    private static RecordType recordType(String text) {
        for (RecordType type : RecordType.values()) {
            if (text != null && type.name().equalsIgnoreCase(text.trim())) {
                return type;
            }
        }
        return null;
    }

    private static Name dnsName(List<String> problems, String key, String text) {
        if (text == null || text.isBlank()) {
            problems.add(key + " is required");
            return null;
        }
        try {
            return Name.fromString(text.trim(), Name.root);
        } catch (TextParseException e) {
            problems.add(key + " '" + text + "' is not a DNS name: " + e.getMessage());
            return null;
        }
    }

    private static <T> T check(List<String> problems, String key, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return null;
        }
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port} → host and port (53 by default). */
    static String[] hostPort(String text) {
        String host;
        String port = "53";
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("has '[' without ']'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("must be host[:port] or [address]:port");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("is an IPv6 address without brackets; write [address]:port");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            if (colon >= 0) {
                port = text.substring(colon + 1);
            }
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("has no host");
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has port '" + port + "', which is not a number");
        }
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("has port " + number + "; it must be 1-65535");
        }
        return new String[] {host, Integer.toString(number)};
    }
}
