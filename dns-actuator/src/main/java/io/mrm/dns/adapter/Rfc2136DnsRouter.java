package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsAnswer;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.DnsState;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.kafka.SecretReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Switches an application's name on any server that accepts RFC 2136 dynamic updates signed with
 * TSIG (BIND, Knot, PowerDNS), with dnsjava.
 *
 * <p>Beside the switched name {@code N} the zone holds the fencing token, one TXT record
 * {@code <fencing-label>.N} with the text {@code epoch=<n>}. {@link #routeTo} sends one UPDATE: its
 * prerequisites (RFC 2136 §2.4) say "the record set of N is exactly the expected region's" (or "does
 * not exist") and "the token is exactly {@code epoch=<expected>}" (or "does not exist"); its update
 * section replaces the record set and the token. The server checks the prerequisites and applies the
 * update as one atomic step, so of two actuators that read the same state only the first changes the
 * name; the other gets NXRRSET or YXRRSET, which becomes {@link DnsFencedException}.
 *
 * <p>Every message is signed with the TSIG key and every answer must carry a valid signature from the
 * same key, so neither a spoofed answer nor a server without the key can move or fake the state.
 *
 * <p>{@link #answers} asks as resolvers do: it reads the zone's NS records from the primary, finds each
 * name server's addresses (in the zone, else with the JVM's resolver; {@code nameServers} may say where
 * one is reached instead) and sends each an unsigned query over UDP (TCP when truncated) at the name
 * servers' port. An answer counts only with the authoritative flag; a server that does not answer is
 * reported as such.
 */
public final class Rfc2136DnsRouter implements DnsRouter {

    private static final Logger log = LoggerFactory.getLogger(Rfc2136DnsRouter.class);
    private static final Pattern TOKEN = Pattern.compile("epoch=([1-9][0-9]{0,17})");
    public static final String UNKNOWN_APPLICATION = "UNKNOWN_APPLICATION";
    public static final String UNKNOWN_REGION = "UNKNOWN_REGION";
    public static final String FOREIGN_FENCING_TOKEN = "FOREIGN_FENCING_TOKEN";
    public static final String TSIG_SECRET_UNAVAILABLE = "TSIG_SECRET_UNAVAILABLE";
    public static final String TSIG_SECRET_INVALID = "TSIG_SECRET_INVALID";

    /** How messages travel: TCP (default), or UDP with dnsjava's fallback to TCP on truncation. */
    public enum Transport {
        TCP,
        UDP
    }

    /** The record types a switched name may have. */
    public enum RecordType {
        CNAME(Type.CNAME),
        A(Type.A),
        AAAA(Type.AAAA);

        final int code;

        RecordType(int code) {
            this.code = code;
        }
    }

    /**
     * The TSIG key every message is signed with.
     *
     * @param name      the key's name, as the server knows it
     * @param algorithm e.g. {@code hmac-sha256}
     * @param secret    where the base64 secret lives; read at each use, never logged
     */
    public record TsigKey(Name name, Name algorithm, SecretReference secret) {

        public TsigKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(secret, "secret");
        }

        /** {@code hmac-sha256} → the algorithm's name; throws IllegalArgumentException naming the accepted ones. */
        public static Name algorithm(String text) {
            String name = text.trim().toLowerCase(Locale.ROOT);
            // the keys that authorise moving an application's traffic: no broken or weak MAC (RFC 8945 says
            // hmac-md5 must not be used, and hmac-sha1 is only for old servers)
            if (name.startsWith("hmac-md5") || name.equals("hmac-sha1")) {
                throw new IllegalArgumentException("'" + text + "' is too weak for the key that moves traffic; use "
                        + "hmac-sha256, hmac-sha384 or hmac-sha512");
            }
            try {
                return TSIG.algorithmToName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text
                        + "' is not a TSIG algorithm; use hmac-sha256, hmac-sha384," + " hmac-sha512 or hmac-sha224");
            }
        }

        TSIG load() throws ActuatorFailure {
            String value;
            try {
                value = secret.read();
            } catch (IllegalStateException e) {
                throw ActuatorFailure.fatal(TSIG_SECRET_UNAVAILABLE, "TSIG key " + name + ": " + e.getMessage());
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                bytes = new byte[0];
            }
            if (bytes.length == 0) {
                // the message names where the secret lives, never what it holds
                throw ActuatorFailure.fatal(
                        TSIG_SECRET_INVALID,
                        "TSIG key " + name + ": the secret in " + secret + " is not base64 (as tsig-keygen prints it)");
            }
            return new TSIG(algorithm, name, bytes);
        }
    }

    /**
     * One application's switched name.
     *
     * @param zone         the zone the updates go to
     * @param name         the switched name, inside the zone
     * @param type         CNAME, A or AAAA
     * @param targets      region → the records' data that mean "routed to this region": one host name for
     *                     CNAME, one or more address literals for A and AAAA
     * @param fencingLabel the label of the fencing token below {@code name}, e.g. {@code _mrm-epoch}
     */
    public record Application(
            Name zone, Name name, RecordType type, Map<String, List<String>> targets, String fencingLabel) {

        public Application {
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (!name.subdomain(zone)) {
                throw new IllegalArgumentException("name " + name + " is not inside zone " + zone);
            }
            if (targets == null || targets.isEmpty()) {
                throw new IllegalArgumentException("targets must name at least one region");
            }
            targets = Map.copyOf(new LinkedHashMap<>(targets));
            Map<String, String> regionByData = new LinkedHashMap<>();
            // in region order: Map.copyOf iterates differently in every JVM, and messages must not
            for (Map.Entry<String, List<String>> entry : new java.util.TreeMap<>(targets).entrySet()) {
                List<String> data = entry.getValue();
                if (data == null || data.isEmpty() || (type == RecordType.CNAME && data.size() != 1)) {
                    throw new IllegalArgumentException("region " + entry.getKey() + " needs "
                            + (type == RecordType.CNAME ? "exactly one target" : "at least one address"));
                }
                for (String item : data) {
                    String key = key(record(name, type, item, 0));
                    String other = regionByData.putIfAbsent(key, entry.getKey());
                    if (other != null && !other.equals(entry.getKey())) {
                        throw new IllegalArgumentException(
                                item + " is a target of both " + other + " and " + entry.getKey());
                    }
                }
            }
            token(name, fencingLabel);
        }

        /** The fencing token's name. */
        public Name token() {
            return token(name, fencingLabel);
        }

        /** The records that route {@code name} to {@code region}, with this TTL (0 for prerequisites). */
        List<Record> records(String region, long ttl) {
            List<String> data = targets.get(region);
            if (data == null) {
                return null;
            }
            return data.stream().map(item -> record(name, type, item, ttl)).toList();
        }

        /** The region whose records are exactly these, or null. */
        String regionOf(List<Record> records) {
            if (records.isEmpty()) {
                return null;
            }
            Set<String> held = keys(records);
            for (String region : targets.keySet()) {
                if (keys(records(region, 0)).equals(held)) {
                    return region;
                }
            }
            return null;
        }

        private static Set<String> keys(List<Record> records) {
            Set<String> keys = new LinkedHashSet<>();
            records.forEach(r -> keys.add(key(r)));
            return keys;
        }

        // canonical wire form: names in lower case, addresses as bytes
        private static String key(Record record) {
            return HexFormat.of().formatHex(record.rdataToWireCanonical());
        }

        /** A record of {@code type} at {@code owner} with this data; IllegalArgumentException if it is not valid. */
        public static Record record(Name owner, RecordType type, String data, long ttl) {
            String text = data == null ? "" : data.trim();
            try {
                return switch (type) {
                    case CNAME -> new CNAMERecord(owner, DClass.IN, ttl, Name.fromString(text, Name.root));
                    case A -> new ARecord(owner, DClass.IN, ttl, Address.getByAddress(text, Address.IPv4));
                    case AAAA -> new AAAARecord(owner, DClass.IN, ttl, Address.getByAddress(text, Address.IPv6));
                };
            } catch (TextParseException | java.net.UnknownHostException | RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not "
                        + switch (type) {
                            case CNAME -> "a host name";
                            case A -> "an IPv4 address";
                            case AAAA -> "an IPv6 address";
                        });
            }
        }

        private static Name token(Name name, String label) {
            if (label == null || !label.matches("[A-Za-z0-9_-]{1,63}")) {
                throw new IllegalArgumentException(
                        "fencing label '" + label + "' is not one DNS label of letters," + " digits, '_' and '-'");
            }
            try {
                return Name.concatenate(Name.fromString(label), name);
            } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
                throw new IllegalArgumentException("fencing token name " + label + "." + name + " is not valid");
            }
        }
    }

    /**
     * @param host           the primary server's host name or address
     * @param port           its port, usually 53
     * @param transport      TCP or UDP
     * @param timeout        bound on each message's answer
     * @param ttl            TTL of the records the router writes: how long resolvers may keep the old answer
     * @param tsig           the key
     * @param applications   application id → its name
     * @param nameServerPort the port the zone's name servers are asked at (NS records carry none)
     * @param nameServers    name server → where to reach it instead of its own addresses (a NAT, a
     *                       split horizon, or tests with several servers on one host)
     */
    public record Settings(
            String host,
            int port,
            Transport transport,
            Duration timeout,
            Duration ttl,
            TsigKey tsig,
            Map<String, Application> applications,
            int nameServerPort,
            Map<Name, InetSocketAddress> nameServers) {

        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(tsig, "tsig");
            applications = Map.copyOf(applications);
            nameServers = nameServers == null ? Map.of() : Map.copyOf(nameServers);
        }

        /** The zone's name servers are asked at the primary's port, where they are. */
        public Settings(
                String host,
                int port,
                Transport transport,
                Duration timeout,
                Duration ttl,
                TsigKey tsig,
                Map<String, Application> applications) {
            this(host, port, transport, timeout, ttl, tsig, applications, port, Map.of());
        }

        String server() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Settings settings;

    public Rfc2136DnsRouter(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    /** Reads the record set and the fencing token, both signed queries sent at once. */
    @Override
    public DnsState current(String applicationId) throws ActuatorFailure {
        Application app = application(applicationId);
        TSIG tsig = settings.tsig().load();
        CompletableFuture<List<Record>> records = query(app.name(), app.type().code, tsig);
        CompletableFuture<List<Record>> tokens = query(app.token(), Type.TXT, tsig);
        List<Record> held = await(records, "query for " + app.name());
        return new DnsState(app.regionOf(held), epochOf(app, await(tokens, "query for " + app.token())));
    }

    /** Every authoritative name server of the zone, asked as a resolver asks it. */
    @Override
    public List<DnsAnswer> answers(String applicationId) throws ActuatorFailure {
        Application app = application(applicationId);
        TSIG tsig = settings.tsig().load();
        List<Record> servers = await(query(app.zone(), Type.NS, tsig), "query for the name servers of " + app.zone());
        if (servers.isEmpty()) {
            throw ActuatorFailure.fatal(
                    "NO_NAME_SERVERS", "zone " + app.zone() + " has no NS records at " + settings.server());
        }
        List<CompletableFuture<DnsAnswer>> asked = new ArrayList<>();
        for (Record record : servers) {
            Name server = ((NSRecord) record).getTarget();
            List<InetSocketAddress> addresses = addressesOf(server, app, tsig);
            if (addresses.isEmpty()) {
                asked.add(CompletableFuture.completedFuture(
                        DnsAnswer.unanswered(server.toString(), "its address cannot be found")));
            }
            addresses.forEach(address -> asked.add(ask(server, address, app)));
        }
        List<DnsAnswer> answers = new ArrayList<>();
        for (CompletableFuture<DnsAnswer> answer : asked) {
            answers.add(await(answer, "query of a name server of " + app.zone()));
        }
        return answers;
    }

    /** Where a name server is reached: as configured, else its addresses in the zone, else as the JVM resolves it. */
    private List<InetSocketAddress> addressesOf(Name server, Application app, TSIG tsig) throws ActuatorFailure {
        InetSocketAddress configured = settings.nameServers().get(server);
        if (configured != null) {
            return List.of(configured);
        }
        List<InetAddress> found = new ArrayList<>();
        if (server.subdomain(app.zone())) {
            CompletableFuture<List<Record>> v4 = query(server, Type.A, tsig);
            CompletableFuture<List<Record>> v6 = query(server, Type.AAAA, tsig);
            await(v4, "query for " + server + " A").forEach(r -> found.add(((ARecord) r).getAddress()));
            await(v6, "query for " + server + " AAAA").forEach(r -> found.add(((AAAARecord) r).getAddress()));
        }
        if (found.isEmpty()) {
            try {
                found.addAll(List.of(InetAddress.getAllByName(server.toString(true))));
            } catch (UnknownHostException e) {
                return List.of();
            }
        }
        return found.stream()
                .map(a -> new InetSocketAddress(a, settings.nameServerPort()))
                .toList();
    }

    /** An unsigned query over UDP, as a resolver sends it; never fails: a failure is an unanswered source. */
    private CompletableFuture<DnsAnswer> ask(Name server, InetSocketAddress address, Application app) {
        String host = address.getHostString();
        String source = server + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setTimeout(settings.timeout());
        Message query = Message.newQuery(Record.newRecord(app.name(), app.type().code, DClass.IN));
        return resolver.sendAsync(query).toCompletableFuture().handle((response, error) -> {
            if (error != null) {
                return DnsAnswer.unanswered(
                        source, Rfc2136Errors.transport(error, "query", source).getMessage());
            }
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return DnsAnswer.unanswered(source, "answered " + Rcode.string(rcode));
            }
            if (!response.getHeader().getFlag(Flags.AA)) {
                return DnsAnswer.unanswered(source, "not authoritative for " + app.zone() + " (a lame delegation)");
            }
            List<Record> records = response.getSection(Section.ANSWER).stream()
                    .filter(r -> r.getName().equals(app.name()) && r.getType() == app.type().code)
                    .toList();
            Duration ttl = records.stream()
                    .map(r -> Duration.ofSeconds(r.getTTL()))
                    .max(Duration::compareTo)
                    .orElse(null);
            String data = records.isEmpty()
                    ? Rcode.string(rcode)
                    : String.join(
                            ", ",
                            records.stream()
                                    .map(r -> Type.string(r.getType()) + " " + r.rdataToString())
                                    .toList());
            return DnsAnswer.answered(source, app.regionOf(records), data, ttl);
        });
    }

    @Override
    public void routeTo(String applicationId, String region, long epoch, DnsState expected) throws ActuatorFailure {
        Application app = application(applicationId);
        long ttl = settings.ttl().toSeconds();
        List<Record> target = app.records(region, ttl);
        if (target == null) {
            throw ActuatorFailure.fatal(
                    UNKNOWN_REGION,
                    "application " + applicationId + " has no target for" + " region " + region + "; configured: "
                            + app.targets().keySet());
        }
        if (epoch < 1) {
            // 0 means "no token": a token MRM writes always holds a decision's epoch
            throw ActuatorFailure.fatal("INVALID_EPOCH", "epoch must be at least 1, was " + epoch);
        }
        TSIG tsig = settings.tsig().load();
        Update update = new Update(app.zone());
        pinRecords(update, app, expected, tsig);
        if (expected.epoch() > 0) {
            update.present(token(app, expected.epoch(), 0));
        } else {
            update.absent(app.token(), Type.TXT);
        }
        boolean move = !region.equals(expected.region());
        if (move) {
            update.delete(app.name(), app.type().code);
            target.forEach(update::add);
        }
        update.delete(app.token(), Type.TXT);
        update.add(token(app, epoch, ttl));

        String what = "UPDATE of " + app.name() + " in zone " + app.zone();
        Message response = await(send(update, tsig, what), what);
        ActuatorFailure failure = Rfc2136Errors.classify(response.getRcode(), Rcode.NOERROR, true, what);
        if (failure != null) {
            throw failure;
        }
        log.info(
                "{}: {} epoch {} -> {} epoch {} (TTL {}s)",
                what,
                expected.region(),
                expected.epoch(),
                region,
                epoch,
                ttl);
    }

    /** The record-set prerequisite: the expected region's exact records, or whatever is there if none matched. */
    private void pinRecords(Update update, Application app, DnsState expected, TSIG tsig) throws ActuatorFailure {
        if (expected.region() != null) {
            List<Record> records = app.records(expected.region(), 0);
            if (records == null) {
                throw ActuatorFailure.fatal(
                        UNKNOWN_REGION,
                        "expected region " + expected.region() + " is not configured for " + app.name());
            }
            records.forEach(update::present);
            return;
        }
        // No configured region matched when the caller read: the name is absent or holds foreign data.
        // Pin what it holds now, read again, so a change by anyone else still fails the update.
        List<Record> now = await(query(app.name(), app.type().code, tsig), "query for " + app.name());
        if (now.isEmpty()) {
            update.absent(app.name(), app.type().code);
        } else if (app.regionOf(now) != null) {
            throw new DnsFencedException(
                    app.name() + " now points at " + app.regionOf(now) + ", not at no region as read", null);
        } else {
            now.forEach(r ->
                    update.present(Record.newRecord(r.getName(), r.getType(), DClass.IN, 0, r.rdataToWireCanonical())));
        }
    }

    private static TXTRecord token(Application app, long epoch, long ttl) {
        return new TXTRecord(app.token(), DClass.IN, ttl, "epoch=" + epoch);
    }

    private static long epochOf(Application app, List<Record> tokens) throws ActuatorFailure {
        if (tokens.isEmpty()) {
            return 0;
        }
        if (tokens.size() == 1
                && tokens.get(0) instanceof TXTRecord txt
                && txt.getStrings().size() == 1) {
            Matcher m = TOKEN.matcher(txt.getStrings().get(0));
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        List<String> seen = tokens.stream().map(Record::rdataToString).toList();
        throw ActuatorFailure.fatal(
                FOREIGN_FENCING_TOKEN,
                app.token() + " holds " + seen
                        + ", not one TXT record \"epoch=<n>\" as MRM writes it; someone else changed it: find out who,"
                        + " then delete it or restore the last epoch");
    }

    Application application(String applicationId) throws ActuatorFailure {
        Application app = settings.applications().get(applicationId);
        if (app == null) {
            throw ActuatorFailure.fatal(
                    UNKNOWN_APPLICATION,
                    "application " + applicationId + " is not configured under mrm.dns.rfc2136.applications");
        }
        return app;
    }

    CompletableFuture<List<Record>> query(Name name, int type, TSIG tsig) throws ActuatorFailure {
        String what = "query for " + name + " " + Type.string(type);
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return send(query, tsig, what).thenApply(response -> {
            ActuatorFailure failure = Rfc2136Errors.classify(response.getRcode(), Rcode.NOERROR, false, what);
            if (failure == null && !response.getHeader().getFlag(Flags.AA)) {
                failure = ActuatorFailure.fatal(
                        Rfc2136Errors.NOT_AUTHORITATIVE,
                        what + ": "
                                + settings.server() + " is not authoritative for " + name
                                + "; point mrm.dns.rfc2136.server at the zone's primary");
            }
            if (failure != null) {
                throw new CompletionException(failure);
            }
            List<Record> records = new ArrayList<>();
            for (Record record : response.getSection(Section.ANSWER)) {
                if (record.getName().equals(name) && record.getType() == type) {
                    records.add(record);
                }
            }
            return records;
        });
    }

    /** Sends a signed message; the answer must carry a verified signature of the same key. */
    CompletableFuture<Message> send(Message message, TSIG tsig, String what) throws ActuatorFailure {
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        if (address.isUnresolved()) {
            throw ActuatorFailure.retriable(
                    Rfc2136Errors.UNREACHABLE, what + ": cannot resolve the server's host " + settings.host());
        }
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setTCP(settings.transport() == Transport.TCP);
        resolver.setTimeout(settings.timeout());
        resolver.setTSIGKey(tsig);
        return resolver.sendAsync(message).toCompletableFuture().thenApply(response -> {
            TSIGRecord signature = response.getTSIG();
            int tsigError = signature == null ? Rcode.NOERROR : signature.getError();
            if (tsigError != Rcode.NOERROR) {
                throw new CompletionException(Rfc2136Errors.classify(
                        response.getRcode(),
                        tsigError,
                        message.getHeader().getOpcode() == org.xbill.DNS.Opcode.UPDATE,
                        what));
            }
            if (!response.isVerified()) {
                throw new CompletionException(ActuatorFailure.fatal(
                        Rfc2136Errors.TSIG_NOT_VERIFIED,
                        what
                                + ": the answer from " + settings.server() + " is "
                                + (signature == null ? "not signed" : "signed, but the signature does not verify")
                                + " with key " + settings.tsig().name()));
            }
            return response;
        });
    }

    <T> T await(CompletableFuture<T> future, String what) throws ActuatorFailure {
        // dnsjava bounds each exchange itself (twice over when UDP falls back to TCP); this bound only
        // guards against a completion that never comes
        long bound = settings.timeout().toMillis() * 2 + 500;
        try {
            return future.get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ActuatorFailure known) {
                throw known;
            }
            if (e.getCause() instanceof CompletionException c && c.getCause() instanceof ActuatorFailure known) {
                throw known;
            }
            throw Rfc2136Errors.transport(e, what, settings.server());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw Rfc2136Errors.transport(e, what, settings.server());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActuatorFailure.retriable("INTERRUPTED", what + " was interrupted", e);
        }
    }
}
