package io.mrm.dns.adapter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A local fake of the Route 53 REST-XML API (version 2013-04-01), for the real AWS SDK client:
 * {@code ChangeResourceRecordSets} with Route 53's atomic batch semantics (a DELETE that does not
 * match exactly, or a CREATE of an existing record set, rejects the whole batch with 400
 * {@code InvalidChangeBatch}), {@code ListResourceRecordSets} in Route 53's order (names with labels
 * reversed, then type, then set identifier) with paging, {@code GetChange} (PENDING for a set
 * number of polls, then INSYNC) and {@code TestDNSAnswer}. Errors can be injected per operation.
 *
 * <p>{@code TestDNSAnswer} answers as Route 53's name servers would, health checks included
 * (API reference: https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html;
 * GET {@code /2013-04-01/testdnsanswer?hostedzoneid=&recordname=&recordtype=}, answering
 * {@code Nameserver}, {@code RecordName}, {@code RecordType}, {@code RecordData/RecordDataEntry},
 * {@code ResponseCode}, {@code Protocol}; no TTL). How a weighted record is chosen follows
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
 * and the {@code Weight} element of
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html: a record whose
 * health check is unhealthy is not answered; records of weight 0 are answered only when every record
 * of nonzero weight is unhealthy; when no record is healthy Route 53 treats them all as healthy.
 * Health check status is set by the test ({@link #healthCheck}), as Route 53's checkers would.
 * An alias is answered with its target's records (another record of the zone, or what
 * {@link #aliasTarget} says an AWS resource answers).
 *
 * <p>{@code GetHostedZone} (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html:
 * GET {@code /2013-04-01/hostedzone/Id}, answering {@code HostedZone} with {@code Id}, {@code Name},
 * {@code CallerReference}, {@code Config/PrivateZone}, {@code ResourceRecordSetCount}, and a
 * {@code DelegationSet}; 404 {@code NoSuchHostedZone} for an unknown id). A credential problem fails every
 * request alike ({@link #failEveryRequest}), with the codes of the AWS common errors (e.g. 403
 * {@code ExpiredToken}, 403 {@code InvalidClientTokenId}).
 */
final class Route53ApiFake implements AutoCloseable {

    enum Op {
        CHANGE,
        LIST,
        GET_CHANGE,
        TEST_DNS_ANSWER,
        GET_HOSTED_ZONE
    }

    /** One record set as Route 53 holds it. {@code values} are kept in the order given. */
    record Rrset(
            String name,
            String type,
            String setIdentifier,
            Long weight,
            Long ttl,
            List<String> values,
            String aliasZoneId,
            String aliasDnsName,
            Boolean evaluateTargetHealth,
            String healthCheckId) {

        Rrset {
            name = canonical(name);
            type = type.toUpperCase(Locale.ROOT);
            values = values == null ? List.of() : List.copyOf(values);
            aliasDnsName = aliasDnsName == null ? null : canonical(aliasDnsName);
        }

        static Rrset of(String name, String type, long ttl, String... values) {
            return new Rrset(name, type, null, null, ttl, List.of(values), null, null, null, null);
        }

        static Rrset weighted(String name, String type, String setIdentifier, long weight, long ttl, String value) {
            return new Rrset(name, type, setIdentifier, weight, ttl, List.of(value), null, null, null, null);
        }

        Rrset withHealthCheck(String id) {
            return new Rrset(
                    name,
                    type,
                    setIdentifier,
                    weight,
                    ttl,
                    values,
                    aliasZoneId,
                    aliasDnsName,
                    evaluateTargetHealth,
                    id);
        }

        String key() {
            return name + "|" + type + "|" + Objects.toString(setIdentifier, "");
        }

        String describe() {
            return "[name='" + name + "', type='" + type + "'"
                    + (setIdentifier == null ? "" : ", set-identifier='" + setIdentifier + "'") + "]";
        }
    }

    /** An injected failure: the next {@code times} calls of {@code op} answer with it. */
    private record Failure(Op op, int status, String code, String message) {}

    private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final Map<String, Map<String, Rrset>> zones = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> changes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Map<Op, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger changeSeq = new AtomicInteger();
    private final AtomicInteger rejectedBatches = new AtomicInteger();
    private final List<String> commitLog = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Boolean> healthChecks = new ConcurrentHashMap<>();
    private final Map<String, List<String>> aliasTargets = new ConcurrentHashMap<>();
    private final java.util.Random random = new java.util.Random();
    private final Map<String, String> zoneNames = new ConcurrentHashMap<>();
    private volatile Failure everyRequest;
    private volatile int pendingPolls;
    private volatile Consumer<List<Element>> beforeApply = changes -> {};

    static {
        // answer small responses at once instead of waiting on delayed ACKs (about 40 ms a request)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    Route53ApiFake() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/2013-04-01/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A zone named after its first record's parent (orders.example.com. → example.com.). */
    void createZone(String zoneId, Rrset... records) {
        String first = records.length == 0 ? "example.com." : records[0].name();
        createZone(zoneId, first.substring(first.indexOf('.') + 1), records);
    }

    void createZone(String zoneId, String zoneName, Rrset... records) {
        zoneNames.put(zoneId, canonical(zoneName));
        Map<String, Rrset> zone = new LinkedHashMap<>();
        for (Rrset r : records) {
            zone.put(r.key(), r);
        }
        zones.put(zoneId, zone);
    }

    /** Sets a record set directly, as another party would (not logged as a commit). */
    void put(String zoneId, Rrset record) {
        synchronized (this) {
            zones.get(zoneId).put(record.key(), record);
        }
    }

    synchronized Rrset get(String zoneId, String name, String type, String setIdentifier) {
        return zones.get(zoneId)
                .get(new Rrset(name, type, setIdentifier, null, null, null, null, null, null, null).key());
    }

    /** How many GetChange polls answer PENDING before a change is INSYNC. */
    void pendingPolls(int polls) {
        this.pendingPolls = polls;
    }

    /** Every change submitted so far is INSYNC from now on. */
    void completeAllChanges() {
        changes.values().forEach(n -> n.set(0));
    }

    /** The status Route 53's health checkers report for a health check (healthy unless set otherwise). */
    void healthCheck(String healthCheckId, boolean healthy) {
        healthChecks.put(healthCheckId, healthy);
    }

    /** What an AWS resource an alias points at (a load balancer, say) answers. */
    void aliasTarget(String dnsName, String... values) {
        aliasTargets.put(canonical(dnsName), List.of(values));
    }

    void failNext(Op op, int times, int status, String code, String message) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(op, status, code, message));
        }
    }

    /**
     * From now on every request is answered with this error (null: none), as AWS answers all of them when
     * the credential itself is the problem.
     */
    void failEveryRequest(Integer status, String code, String message) {
        everyRequest = status == null ? null : new Failure(null, status, code, message);
    }

    /** Runs before a change batch is applied, outside the zone lock: tests use it to hold or order batches. */
    void beforeApply(Consumer<List<Element>> hook) {
        this.beforeApply = hook;
    }

    int calls(Op op) {
        return calls.computeIfAbsent(op, o -> new AtomicInteger()).get();
    }

    int rejectedBatches() {
        return rejectedBatches.get();
    }

    /** Every committed batch, in order, as the values of the TXT records it created. */
    List<String> commitLog() {
        synchronized (commitLog) {
            return List.copyOf(commitLog);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                error(exchange, 403, "Sender", "MissingAuthenticationToken", "Missing Authentication Token");
                return;
            }
            Failure credential = everyRequest;
            if (credential != null) {
                error(exchange, credential.status(), "Sender", credential.code(), credential.message());
                return;
            }
            String[] parts = path.substring("/2013-04-01/".length()).split("/");
            if (parts.length == 2 && parts[0].equals("hostedzone") && method.equals("GET")) {
                if (injected(exchange, Op.GET_HOSTED_ZONE)) {
                    return;
                }
                getHostedZone(exchange, parts[1]);
            } else if (parts.length >= 3 && parts[0].equals("hostedzone") && parts[2].equals("rrset")) {
                Op op = method.equals("POST") ? Op.CHANGE : Op.LIST;
                if (injected(exchange, op)) {
                    return;
                }
                Map<String, Rrset> zone = zones.get(parts[1]);
                if (zone == null) {
                    error(exchange, 404, "Sender", "NoSuchHostedZone", "No hosted zone found with ID: " + parts[1]);
                } else if (op == Op.CHANGE) {
                    change(exchange, parts[1]);
                } else {
                    list(exchange, parts[1]);
                }
            } else if (parts.length == 1 && parts[0].equals("testdnsanswer") && method.equals("GET")) {
                if (injected(exchange, Op.TEST_DNS_ANSWER)) {
                    return;
                }
                testDnsAnswer(exchange);
            } else if (parts.length == 2 && parts[0].equals("change") && method.equals("GET")) {
                if (injected(exchange, Op.GET_CHANGE)) {
                    return;
                }
                getChange(exchange, parts[1]);
            } else {
                error(exchange, 400, "Sender", "InvalidInput", "unsupported: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "Receiver", "InternalFailure", e.toString());
        }
    }

    private boolean injected(HttpExchange exchange, Op op) throws IOException {
        calls.computeIfAbsent(op, o -> new AtomicInteger()).incrementAndGet();
        for (Failure f : failures) {
            if (f.op() == op && failures.remove(f)) {
                error(exchange, f.status(), f.status() >= 500 ? "Receiver" : "Sender", f.code(), f.message());
                return true;
            }
        }
        return false;
    }

    private void change(HttpExchange exchange, String zoneId) throws IOException {
        Document doc = parse(exchange.getRequestBody().readAllBytes());
        Element batch = child(doc.getDocumentElement(), "ChangeBatch");
        if (batch == null) {
            error(
                    exchange,
                    400,
                    "Sender",
                    "MalformedInput",
                    "ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest");
            return;
        }
        List<Element> changeElements = children(child(batch, "Changes"), "Change");
        beforeApply.accept(changeElements);
        List<String> problems = new ArrayList<>();
        synchronized (this) {
            Map<String, Rrset> zone = zones.get(zoneId);
            Map<String, Rrset> working = new LinkedHashMap<>(zone);
            for (Element change : changeElements) {
                String action = text(change, "Action");
                Rrset record = rrset(child(change, "ResourceRecordSet"));
                Rrset existing = working.get(record.key());
                switch (action) {
                    case "CREATE" -> {
                        if (existing != null) {
                            problems.add("Tried to create resource record set " + record.describe()
                                    + " but it already exists");
                        } else {
                            conflicts(working, record, problems);
                            working.put(record.key(), record);
                        }
                    }
                    case "DELETE" -> {
                        if (existing == null) {
                            problems.add("Tried to delete resource record set " + record.describe()
                                    + " but it was not found");
                        } else if (!existing.equals(record)) {
                            problems.add("Tried to delete resource record set " + record.describe()
                                    + " but the values provided do not match the current values");
                        } else {
                            working.remove(record.key());
                        }
                    }
                    case "UPSERT" -> {
                        conflicts(working, record, problems);
                        working.put(record.key(), record);
                    }
                    default -> problems.add("Invalid action " + action);
                }
            }
            if (problems.isEmpty()) {
                zone.clear();
                zone.putAll(working);
                commitLog.add(changeElements.stream()
                        .filter(c -> "CREATE".equals(text(c, "Action")))
                        .map(c -> rrset(child(c, "ResourceRecordSet")))
                        .filter(r -> r.type().equals("TXT"))
                        .flatMap(r -> r.values().stream())
                        .collect(Collectors.joining(",")));
            }
        }
        if (!problems.isEmpty()) {
            rejectedBatches.incrementAndGet();
            error(exchange, 400, "Sender", "InvalidChangeBatch", "[" + String.join(", ", problems) + "]");
            return;
        }
        String id = "C" + String.format("%012d", changeSeq.incrementAndGet());
        changes.put(id, new AtomicInteger(pendingPolls));
        respond(
                exchange,
                200,
                "<ChangeResourceRecordSetsResponse xmlns=\"" + NS + "\">" + changeInfo(id, pendingPolls > 0)
                        + "</ChangeResourceRecordSetsResponse>");
    }

    /** Route 53 allows no other record type beside a CNAME of the same name. */
    private static void conflicts(Map<String, Rrset> zone, Rrset record, List<String> problems) {
        for (Rrset other : zone.values()) {
            if (other.name().equals(record.name())
                    && !other.type().equals(record.type())
                    && (other.type().equals("CNAME") || record.type().equals("CNAME"))) {
                problems.add("RRSet of type " + record.type() + " with DNS name " + record.name()
                        + " is not permitted because a conflicting RRSet of type " + other.type()
                        + " with the same DNS name already exists in zone");
                return;
            }
        }
    }

    private void list(HttpExchange exchange, String zoneId) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String name = query.get("name");
        String type = query.get("type");
        String identifier = query.get("identifier");
        int max = Math.min(300, Integer.parseInt(query.getOrDefault("maxitems", "300")));
        if (type != null && name == null) {
            error(exchange, 400, "Sender", "InvalidInput", "type was specified without name");
            return;
        }
        List<Rrset> sorted;
        synchronized (this) {
            sorted = zones.get(zoneId).values().stream().sorted(ORDER).toList();
        }
        List<Rrset> from = sorted.stream()
                .filter(r -> name == null || atOrAfter(r, name, type, identifier))
                .toList();
        StringBuilder xml =
                new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + NS + "\"><ResourceRecordSets>");
        from.stream().limit(max).forEach(r -> xml.append(xml(r)));
        xml.append("</ResourceRecordSets><IsTruncated>")
                .append(from.size() > max)
                .append("</IsTruncated>");
        if (from.size() > max) {
            Rrset next = from.get(max);
            xml.append("<NextRecordName>")
                    .append(escape(next.name()))
                    .append("</NextRecordName><NextRecordType>")
                    .append(next.type())
                    .append("</NextRecordType>");
            if (next.setIdentifier() != null) {
                xml.append("<NextRecordIdentifier>")
                        .append(escape(next.setIdentifier()))
                        .append("</NextRecordIdentifier>");
            }
        }
        xml.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>");
        respond(exchange, 200, xml.toString());
    }

    private static final Comparator<Rrset> ORDER = Comparator.comparing((Rrset r) -> reversed(r.name()))
            .thenComparing(Rrset::type)
            .thenComparing(r -> Objects.toString(r.setIdentifier(), ""));

    private static boolean atOrAfter(Rrset r, String name, String type, String identifier) {
        int byName = reversed(r.name()).compareTo(reversed(canonical(name)));
        if (byName != 0 || type == null) {
            return byName >= 0;
        }
        int byType = r.type().compareTo(type);
        if (byType != 0 || identifier == null) {
            return byType >= 0;
        }
        return Objects.toString(r.setIdentifier(), "").compareTo(identifier) >= 0;
    }

    /** {@code www.example.com.} sorts as {@code com.example.www.}. */
    static String reversed(String name) {
        String[] labels = canonical(name).split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            sb.append(labels[i]).append('.');
        }
        return sb.toString();
    }

    private void getHostedZone(HttpExchange exchange, String zoneId) throws IOException {
        Map<String, Rrset> zone = zones.get(zoneId);
        if (zone == null) {
            error(exchange, 404, "Sender", "NoSuchHostedZone", "No hosted zone found with ID: " + zoneId);
            return;
        }
        respond(
                exchange,
                200,
                "<GetHostedZoneResponse xmlns=\"" + NS + "\"><HostedZone><Id>/hostedzone/" + zoneId + "</Id><Name>"
                        + escape(zoneNames.get(zoneId)) + "</Name><CallerReference>fake-" + zoneId
                        + "</CallerReference><Config><PrivateZone>false</PrivateZone></Config>"
                        + "<ResourceRecordSetCount>" + zone.size() + "</ResourceRecordSetCount></HostedZone>"
                        + "<DelegationSet><NameServers><NameServer>ns-0.awsdns-00.com</NameServer>"
                        + "<NameServer>ns-512.awsdns-00.net</NameServer></NameServers></DelegationSet>"
                        + "</GetHostedZoneResponse>");
    }

    private void getChange(HttpExchange exchange, String id) throws IOException {
        AtomicInteger remaining = changes.get(id);
        if (remaining == null) {
            error(exchange, 404, "Sender", "NoSuchChange", "A change with the specified change ID does not exist.");
            return;
        }
        boolean pending = remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        respond(
                exchange,
                200,
                "<GetChangeResponse xmlns=\"" + NS + "\">" + changeInfo(id, pending) + "</GetChangeResponse>");
    }

    private void testDnsAnswer(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String zoneId = query.get("hostedzoneid");
        String name = query.get("recordname");
        String type = query.get("recordtype");
        if (zoneId == null || name == null || type == null) {
            error(exchange, 400, "Sender", "InvalidInput", "hostedzoneid, recordname and recordtype are required");
            return;
        }
        Map<String, Rrset> zone = zones.get(zoneId.replace("/hostedzone/", ""));
        if (zone == null) {
            error(exchange, 404, "Sender", "NoSuchHostedZone", "No hosted zone found with ID: " + zoneId);
            return;
        }
        List<String> data;
        String rcode;
        synchronized (this) {
            List<Rrset> atName = zone.values().stream()
                    .filter(r -> r.name().equals(canonical(name)))
                    .toList();
            List<Rrset> group = atName.stream()
                    .filter(r -> r.type().equals(type.toUpperCase(Locale.ROOT)))
                    .toList();
            if (group.isEmpty()) {
                // as a name server would: the CNAME at the name answers a query of another type
                group = atName.stream().filter(r -> r.type().equals("CNAME")).toList();
            }
            Rrset chosen = choose(group);
            data = chosen == null ? List.of() : answer(zone, chosen);
            rcode = atName.isEmpty() ? "NXDOMAIN" : chosen != null && data.isEmpty() ? "SERVFAIL" : "NOERROR";
        }
        StringBuilder xml = new StringBuilder("<TestDNSAnswerResponse xmlns=\"" + NS
                        + "\"><Nameserver>ns-0.awsdns-00.com" + "</Nameserver><RecordName>")
                .append(escape(name))
                .append("</RecordName><RecordType>")
                .append(escape(type))
                .append("</RecordType><RecordData>");
        data.forEach(d -> xml.append("<RecordDataEntry>").append(escape(d)).append("</RecordDataEntry>"));
        xml.append("</RecordData><ResponseCode>")
                .append(rcode)
                .append("</ResponseCode><Protocol>UDP</Protocol>" + "</TestDNSAnswerResponse>");
        respond(exchange, 200, xml.toString());
    }

    /** One record of a group, as Route 53 picks it for one query: by routing policy, then health. */
    private Rrset choose(List<Rrset> group) {
        if (group.isEmpty()) {
            return null;
        }
        List<Rrset> weighted = group.stream().filter(r -> r.weight() != null).toList();
        if (weighted.isEmpty()) {
            return group.get(0);
        }
        List<Rrset> healthy = weighted.stream().filter(this::healthy).toList();
        List<Rrset> candidates = healthy.isEmpty() ? weighted : healthy; // none healthy: all count as healthy
        List<Rrset> nonzero = candidates.stream().filter(r -> r.weight() > 0).toList();
        List<Rrset> pool = nonzero.isEmpty() ? candidates : nonzero;
        long total = pool.stream().mapToLong(r -> Math.max(1, r.weight())).sum();
        long pick = (long) (random.nextDouble() * total);
        for (Rrset r : pool) {
            pick -= Math.max(1, r.weight());
            if (pick < 0) {
                return r;
            }
        }
        return pool.get(pool.size() - 1);
    }

    private boolean healthy(Rrset record) {
        return record.healthCheckId() == null || healthChecks.getOrDefault(record.healthCheckId(), true);
    }

    private List<String> answer(Map<String, Rrset> zone, Rrset record) {
        if (record.aliasDnsName() == null) {
            return record.values();
        }
        Rrset sameZone = zone.values().stream()
                .filter(r ->
                        r.name().equals(record.aliasDnsName()) && r.type().equals(record.type()) && r.weight() == null)
                .findFirst()
                .orElse(null);
        return sameZone != null ? sameZone.values() : aliasTargets.getOrDefault(record.aliasDnsName(), List.of());
    }

    private static String changeInfo(String id, boolean pending) {
        return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + (pending ? "PENDING" : "INSYNC")
                + "</Status><SubmittedAt>2026-11-25T10:00:00.000Z</SubmittedAt></ChangeInfo>";
    }

    private static Rrset rrset(Element e) {
        List<String> values = new ArrayList<>();
        Element records = child(e, "ResourceRecords");
        if (records != null) {
            for (Element rr : children(records, "ResourceRecord")) {
                values.add(text(rr, "Value"));
            }
        }
        Element alias = child(e, "AliasTarget");
        return new Rrset(
                text(e, "Name"),
                text(e, "Type"),
                text(e, "SetIdentifier"),
                longOrNull(text(e, "Weight")),
                longOrNull(text(e, "TTL")),
                values,
                alias == null ? null : text(alias, "HostedZoneId"),
                alias == null ? null : text(alias, "DNSName"),
                alias == null ? null : Boolean.valueOf(text(alias, "EvaluateTargetHealth")),
                text(e, "HealthCheckId"));
    }

    private static String xml(Rrset r) {
        StringBuilder sb = new StringBuilder("<ResourceRecordSet><Name>")
                .append(escape(r.name()))
                .append("</Name><Type>")
                .append(r.type())
                .append("</Type>");
        if (r.setIdentifier() != null) {
            sb.append("<SetIdentifier>").append(escape(r.setIdentifier())).append("</SetIdentifier>");
        }
        if (r.weight() != null) {
            sb.append("<Weight>").append(r.weight()).append("</Weight>");
        }
        if (r.ttl() != null) {
            sb.append("<TTL>").append(r.ttl()).append("</TTL>");
        }
        if (!r.values().isEmpty()) {
            sb.append("<ResourceRecords>");
            r.values()
                    .forEach(v -> sb.append("<ResourceRecord><Value>")
                            .append(escape(v))
                            .append("</Value></ResourceRecord>"));
            sb.append("</ResourceRecords>");
        }
        if (r.aliasDnsName() != null) {
            sb.append("<AliasTarget><HostedZoneId>")
                    .append(escape(r.aliasZoneId()))
                    .append("</HostedZoneId><DNSName>")
                    .append(escape(r.aliasDnsName()))
                    .append("</DNSName><EvaluateTargetHealth>")
                    .append(Boolean.TRUE.equals(r.evaluateTargetHealth()))
                    .append("</EvaluateTargetHealth></AliasTarget>");
        }
        if (r.healthCheckId() != null) {
            sb.append("<HealthCheckId>").append(escape(r.healthCheckId())).append("</HealthCheckId>");
        }
        return sb.append("</ResourceRecordSet>").toString();
    }

    private static void error(HttpExchange exchange, int status, String type, String code, String message)
            throws IOException {
        respond(
                exchange,
                status,
                "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>" + code
                        + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>fake-"
                        + System.nanoTime() + "</RequestId></ErrorResponse>");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\"?>\n" + body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "fake-" + System.nanoTime());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Document parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new IllegalArgumentException("malformed XML: " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent != null) {
            NodeList nodes = parent.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element e && name.equals(e.getLocalName())) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }

    private static Long longOrNull(String s) {
        return s == null ? null : Long.valueOf(s);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return zones.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().values())
                .collect(Collectors.joining(", "));
    }
}
