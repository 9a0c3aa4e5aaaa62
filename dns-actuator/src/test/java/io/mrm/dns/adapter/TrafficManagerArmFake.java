package io.mrm.dns.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A local fake of the Azure Resource Manager endpoints of Traffic Manager (api-version 2022-04-01)
 * that the SDK calls, following the published REST reference: "Profiles - Get", "Profiles - Create Or
 * Update" and "Profiles - Update" (https://learn.microsoft.com/rest/api/trafficmanager/profiles/get,
 * .../profiles/create-or-update, .../profiles/update), "Endpoints - Get", "Endpoints - Create Or Update"
 * and "Endpoints - Update" (https://learn.microsoft.com/rest/api/trafficmanager/endpoints/get, ...), with
 * ARM's error body ({@code {"error": {"code", "message"}}}). Paths match case-insensitively, as ARM does
 * (the SDK sends {@code trafficmanagerprofiles} in lower case).
 *
 * <p><b>No ETag, no If-Match.</b> ARM resource types <em>may</em> offer optimistic concurrency (an
 * {@code etag} and {@code If-Match} answered with 412 Precondition Failed), but Traffic Manager's does not:
 * in its published specification (azure-rest-api-specs, {@code specification/trafficmanager/.../2022-04-01/
 * trafficmanager.json}) a {@code Profile} is a {@code TrackedResource} (id, name, type, location, tags,
 * properties) with no {@code etag}, and neither "Profiles - Create Or Update" nor "Endpoints - Create Or
 * Update" takes an {@code If-Match} parameter; the Java SDK's models and methods have neither. So this fake
 * sends no ETag and ignores {@code If-Match}: the last write wins, as the client must assume. Giving it
 * ETags would test the router against a guarantee the service does not make.
 *
 * <p><b>Monitor status moves as the service documents it</b>
 * (https://learn.microsoft.com/azure/traffic-manager/traffic-manager-monitoring, "Endpoint monitor status"
 * and "Profile monitor status"): an endpoint that is enabled or added in an enabled profile is
 * {@code CheckingEndpoint} ("the results of the first probe have not been received yet ... usually occurs
 * immediately after adding or enabling an endpoint") until the next probing round ({@link #probe}), which
 * makes it {@code Online} or {@code Degraded} as the test's health switch says; an endpoint that stays
 * enabled keeps being probed ({@link #health} changes it at once: the probes' verdict); a disabled endpoint
 * is {@code Disabled}; every endpoint of a disabled profile is {@code Inactive}. The profile's
 * {@code profileMonitorStatus} is Disabled, Degraded (any endpoint Degraded), Online, CheckingEndpoints or
 * Inactive, by that table. The fake does not answer DNS: what Traffic Manager would answer follows from
 * these fields, and the router derives it.
 *
 * <p><b>Throttling</b> ({@link #throttle}): ARM answers a request over its limits with 429 and a
 * {@code Retry-After} header giving the seconds to wait ("Understand how Azure Resource Manager throttles
 * requests", https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
 * "Error code" and "Remaining requests").
 */
final class TrafficManagerArmFake implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Pattern PROFILE = Pattern.compile(
            "/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.network/trafficmanagerprofiles/([^/]+)"
                    + "(?:/(azureendpoints|externalendpoints|nestedendpoints)/([^/]+))?/?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Failure(String method, int status, String code, long retryAfterSeconds) {}

    /** One request as served, in the order the fake served them. */
    record Served(String method, String tag, int status, long nanos) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final Map<String, ObjectNode> profiles = new ConcurrentHashMap<>();
    private final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<String> writeLog = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Served> served = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile java.util.function.Predicate<String> acceptedToken;
    private volatile String tagHeader = "x-ms-client-request-id";
    private volatile BiConsumer<String, Headers> interceptor = (method, headers) -> {};

    TrafficManagerArmFake() throws IOException {
        this(null);
    }

    /** Served over https with {@code tls} (as ARM is: the SDK sends a bearer token only over https), else http. */
    TrafficManagerArmFake(SSLContext tls) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(loopback, 0);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String endpoint() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort() + "/";
    }

    /** Only bearer tokens {@code valid} accepts are from now on (else any is): ARM answers others 401. */
    void acceptOnly(java.util.function.Predicate<String> valid) {
        this.acceptedToken = valid;
    }

    /** Creates a profile as an operator would have set it up. Endpoint: {name, status, priority}. */
    void createProfile(String subscription, String group, String name, String routingMethod, Object[]... endpoints) {
        ObjectNode profile = JSON.createObjectNode();
        profile.put("location", "global");
        profile.putObject("tags").put("owner", "platform-team");
        ObjectNode props = profile.putObject("properties");
        props.put("profileStatus", "Enabled").put("trafficRoutingMethod", routingMethod);
        props.putObject("dnsConfig")
                .put("relativeName", name)
                .put("fqdn", name + ".trafficmanager.net")
                .put("ttl", 300);
        props.putObject("monitorConfig")
                .put("protocol", "HTTPS")
                .put("port", 443)
                .put("path", "/health");
        ArrayNode list = props.putArray("endpoints");
        for (Object[] e : endpoints) {
            ObjectNode endpoint = list.addObject();
            endpoint.put("name", (String) e[0])
                    .put("type", "Microsoft.Network/trafficManagerProfiles/externalEndpoints");
            endpoint.putObject("properties")
                    .put("target", e[0] + ".example.net")
                    .put("endpointStatus", (String) e[1])
                    .put("priority", (Integer) e[2]);
        }
        synchronized (this) {
            // set up long ago: its endpoints have been probed
            profiles.put(key(subscription, group, name), normalize(subscription, group, name, profile, null, true));
        }
    }

    /** The profile as stored (a copy). */
    synchronized JsonNode profile(String subscription, String group, String name) {
        ObjectNode p = profiles.get(key(subscription, group, name));
        return p == null ? null : p.deepCopy();
    }

    /** The probes' verdict on an endpoint; an endpoint still checking keeps that status until {@link #probe}. */
    void health(String endpointName, boolean up) {
        healthy.put(endpointName.toLowerCase(Locale.ROOT), up);
        synchronized (this) {
            profiles.replaceAll((k, p) -> refreshMonitorStatus(p, p, false));
        }
    }

    /** One probing round: every endpoint still {@code CheckingEndpoint} gets its first result. */
    void probe() {
        synchronized (this) {
            profiles.replaceAll((k, p) -> refreshMonitorStatus(p, p, true));
        }
    }

    void failNext(String method, int times, int status, String code) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(method, status, code, 0));
        }
    }

    /** The next {@code times} requests of {@code method} are throttled: 429 with {@code Retry-After}. */
    void throttle(String method, int times, long retryAfterSeconds) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(method, 429, "TooManyRequests", retryAfterSeconds));
        }
    }

    /** The request header whose value {@link #served} records with each request (e.g. a test's actuator name). */
    void tagRequestsWith(String header) {
        this.tagHeader = header;
    }

    /** Every request served so far, in order. */
    List<Served> served() {
        synchronized (served) {
            return List.copyOf(served);
        }
    }

    /** Sees each request's method and headers before it is served, outside the lock: tests hold or order requests. */
    void intercept(BiConsumer<String, Headers> hook) {
        this.interceptor = hook;
    }

    int calls(String method) {
        return calls.computeIfAbsent(method, m -> new AtomicInteger()).get();
    }

    /** Every profile write, in order, as {@code epoch-tag:endpoint=status/priority,...}. */
    List<String> writeLog() {
        synchronized (writeLog) {
            return List.copyOf(writeLog);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            java.util.function.Predicate<String> accepted = acceptedToken;
            if (auth != null
                    && auth.startsWith("Bearer ")
                    && accepted != null
                    && !accepted.test(auth.substring("Bearer ".length()))) {
                error(exchange, 401, "InvalidAuthenticationToken", "The access token is invalid.");
                return;
            }
            if (auth == null || !auth.startsWith("Bearer ")) {
                error(
                        exchange,
                        401,
                        "AuthenticationFailed",
                        "Authentication failed. The 'Authorization' header is missing.");
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            if (query == null || !query.contains("api-version=")) {
                error(
                        exchange,
                        400,
                        "MissingApiVersionParameter",
                        "The api-version query parameter (?api-version=) is required.");
                return;
            }
            interceptor.accept(method, exchange.getRequestHeaders());
            for (Iterator<Failure> it = failures.iterator(); it.hasNext(); ) {
                Failure f = it.next();
                if (f.method().equals(method) && failures.remove(f)) {
                    if (f.status() == 429) {
                        exchange.getResponseHeaders().set("Retry-After", Long.toString(f.retryAfterSeconds()));
                    }
                    record(exchange, method, f.status());
                    error(exchange, f.status(), f.code(), "injected " + f.code());
                    return;
                }
            }
            Matcher m = PROFILE.matcher(exchange.getRequestURI().getPath().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                error(
                        exchange,
                        404,
                        "InvalidResourceType",
                        "no such resource type: " + exchange.getRequestURI().getPath());
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (m.group(4) == null) {
                profileRequest(exchange, method, m.group(1), m.group(2), m.group(3), body);
            } else {
                endpointRequest(exchange, method, m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), body);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "InternalServerError", e.toString());
        }
    }

    private void profileRequest(
            HttpExchange exchange, String method, String sub, String group, String name, byte[] body)
            throws IOException {
        String key = key(sub, group, name);
        ObjectNode result;
        int status = 200;
        synchronized (this) {
            ObjectNode existing = profiles.get(key);
            switch (method) {
                case "GET" -> {
                    if (existing == null) {
                        notFound(exchange, group, name);
                        return;
                    }
                    result = existing;
                    record(exchange, method, 200);
                }
                case "PUT" -> {
                    ObjectNode replacement = (ObjectNode) JSON.readTree(body);
                    String problem = invalid(replacement);
                    if (problem != null) {
                        error(exchange, 400, "BadRequest", problem);
                        return;
                    }
                    status = existing == null ? 201 : 200;
                    result = store(key, sub, group, name, replacement);
                    record(exchange, method, status);
                }
                case "PATCH" -> {
                    if (existing == null) {
                        notFound(exchange, group, name);
                        return;
                    }
                    ObjectNode patch = (ObjectNode) JSON.readTree(body);
                    ObjectNode merged = existing.deepCopy();
                    if (patch.has("tags")) {
                        merged.set("tags", patch.get("tags"));
                    }
                    if (patch.has("properties")) {
                        patch.get("properties")
                                .fields()
                                .forEachRemaining(
                                        f -> ((ObjectNode) merged.get("properties")).set(f.getKey(), f.getValue()));
                    }
                    String problem = invalid(merged);
                    if (problem != null) {
                        error(exchange, 400, "BadRequest", problem);
                        return;
                    }
                    result = store(key, sub, group, name, merged);
                    record(exchange, method, 200);
                }
                default -> {
                    error(exchange, 405, "MethodNotAllowed", method);
                    return;
                }
            }
        }
        respond(exchange, status, result);
    }

    private void endpointRequest(
            HttpExchange exchange,
            String method,
            String sub,
            String group,
            String name,
            String type,
            String endpointName,
            byte[] body)
            throws IOException {
        String key = key(sub, group, name);
        ObjectNode endpoint;
        synchronized (this) {
            ObjectNode profile = profiles.get(key);
            if (profile == null) {
                notFound(exchange, group, name);
                return;
            }
            ObjectNode updated = profile.deepCopy();
            ArrayNode endpoints = (ArrayNode) updated.get("properties").get("endpoints");
            ObjectNode found = null;
            for (JsonNode e : endpoints) {
                if (e.get("name").asText().equalsIgnoreCase(endpointName)) {
                    found = (ObjectNode) e;
                }
            }
            if (method.equals("GET")) {
                if (found == null) {
                    notFound(exchange, group, name + "/" + endpointName);
                    return;
                }
                endpoint = found;
            } else if (method.equals("PATCH") || method.equals("PUT")) {
                if (found == null && method.equals("PATCH")) {
                    notFound(exchange, group, name + "/" + endpointName);
                    return;
                }
                ObjectNode change = (ObjectNode) JSON.readTree(body);
                if (found == null || method.equals("PUT")) {
                    if (found != null) {
                        endpoints.remove(indexOf(endpoints, found));
                    }
                    found = endpoints.addObject();
                    found.put("name", endpointName).put("type", "Microsoft.Network/trafficManagerProfiles/" + type);
                    found.putObject("properties");
                }
                ObjectNode props = (ObjectNode) found.get("properties");
                if (change.has("properties")) {
                    change.get("properties").fields().forEachRemaining(f -> props.set(f.getKey(), f.getValue()));
                }
                String problem = invalid(updated);
                if (problem != null) {
                    error(exchange, 400, "BadRequest", problem);
                    return;
                }
                ObjectNode stored = store(key, sub, group, name, updated);
                endpoint = null;
                for (JsonNode e : stored.get("properties").get("endpoints")) {
                    if (e.get("name").asText().equalsIgnoreCase(endpointName)) {
                        endpoint = (ObjectNode) e;
                    }
                }
            } else {
                error(exchange, 405, "MethodNotAllowed", method);
                return;
            }
        }
        respond(exchange, 200, endpoint);
    }

    private static int indexOf(ArrayNode array, JsonNode node) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i) == node) {
                return i;
            }
        }
        return -1;
    }

    /** What Traffic Manager refuses: a profile without routing method, duplicate endpoint names or priorities. */
    private static String invalid(ObjectNode profile) {
        JsonNode props = profile.get("properties");
        if (props == null || !props.hasNonNull("trafficRoutingMethod")) {
            return "The trafficRoutingMethod is required.";
        }
        Set<String> names = new HashSet<>();
        Set<Long> priorities = new HashSet<>();
        boolean priority = props.get("trafficRoutingMethod").asText().equals("Priority");
        for (JsonNode e : props.path("endpoints")) {
            if (!names.add(e.path("name").asText().toLowerCase(Locale.ROOT))) {
                return "Endpoint names must be unique: " + e.path("name").asText();
            }
            JsonNode p = e.path("properties").path("priority");
            if (priority && !p.isMissingNode() && !p.isNull() && !priorities.add(p.asLong())) {
                return "Endpoint priorities must be unique within a profile; " + p.asLong() + " is used twice.";
            }
        }
        return null;
    }

    private void record(HttpExchange exchange, String method, int status) {
        served.add(new Served(method, exchange.getRequestHeaders().getFirst(tagHeader), status, System.nanoTime()));
    }

    private ObjectNode store(String key, String sub, String group, String name, ObjectNode profile) {
        ObjectNode stored = normalize(sub, group, name, profile, profiles.get(key), false);
        profiles.put(key, stored);
        StringBuilder log = new StringBuilder(stored.path("tags")
                        .path(TrafficManagerDnsRouter.EPOCH_TAG)
                        .asText("-"))
                .append(':');
        for (JsonNode e : stored.get("properties").get("endpoints")) {
            log.append(e.get("name").asText())
                    .append('=')
                    .append(e.path("properties").path("endpointStatus").asText())
                    .append('/')
                    .append(e.path("properties").path("priority").asText())
                    .append(',');
        }
        writeLog.add(log.toString());
        return stored;
    }

    private ObjectNode normalize(
            String sub, String group, String name, ObjectNode profile, ObjectNode previous, boolean probed) {
        ObjectNode p = profile.deepCopy();
        String id = "/subscriptions/" + sub + "/resourceGroups/" + group
                + "/providers/Microsoft.Network/trafficManagerProfiles/" + name;
        p.put("id", id).put("name", name).put("type", "Microsoft.Network/trafficManagerProfiles");
        if (!p.has("location")) {
            p.put("location", "global");
        }
        for (JsonNode e : p.get("properties").path("endpoints")) {
            String type = e.path("type").asText("Microsoft.Network/trafficManagerProfiles/externalEndpoints");
            ((ObjectNode) e)
                    .put(
                            "id",
                            id + "/" + type.substring(type.lastIndexOf('/') + 1) + "/"
                                    + e.get("name").asText());
        }
        return refreshMonitorStatus(p, previous, probed);
    }

    /**
     * Sets the read-only monitor statuses of {@code p} (whatever a client sent in them), from its settings,
     * the statuses the stored profile had ({@code previous}, null when new) and whether a probing round ran.
     */
    private ObjectNode refreshMonitorStatus(ObjectNode p, ObjectNode previous, boolean probed) {
        ObjectNode props = (ObjectNode) p.get("properties");
        Set<String> statuses = new HashSet<>();
        boolean profileDisabled = "Disabled".equals(props.path("profileStatus").asText());
        for (JsonNode e : props.path("endpoints")) {
            ObjectNode ep = (ObjectNode) e.get("properties");
            boolean enabled = "Enabled".equals(ep.path("endpointStatus").asText());
            String name = e.get("name").asText();
            boolean up = healthy.getOrDefault(name.toLowerCase(Locale.ROOT), true);
            String before = previousStatus(previous, name);
            boolean beingProbed = "Online".equals(before) || "Degraded".equals(before);
            String status = profileDisabled
                    ? "Inactive"
                    : !enabled ? "Disabled" : !probed && !beingProbed ? "CheckingEndpoint" : up ? "Online" : "Degraded";
            ep.put("endpointMonitorStatus", status);
            statuses.add(status);
        }
        ObjectNode monitor =
                props.has("monitorConfig") ? (ObjectNode) props.get("monitorConfig") : props.putObject("monitorConfig");
        monitor.put(
                "profileMonitorStatus",
                profileDisabled
                        ? "Disabled"
                        : statuses.contains("Degraded")
                                ? "Degraded"
                                : statuses.contains("Online")
                                        ? "Online"
                                        : statuses.contains("CheckingEndpoint") ? "CheckingEndpoints" : "Inactive");
        return p;
    }

    private static String previousStatus(ObjectNode previous, String endpointName) {
        if (previous == null) {
            return null;
        }
        for (JsonNode e : previous.path("properties").path("endpoints")) {
            if (e.path("name").asText().equalsIgnoreCase(endpointName)) {
                return e.path("properties").path("endpointMonitorStatus").asText(null);
            }
        }
        return null;
    }

    private static String key(String sub, String group, String name) {
        return (sub + "/" + group + "/" + name).toLowerCase(Locale.ROOT);
    }

    private static void notFound(HttpExchange exchange, String group, String name) throws IOException {
        error(
                exchange,
                404,
                "ResourceNotFound",
                "The Resource 'Microsoft.Network/trafficmanagerprofiles/" + name + "' under resource group '" + group
                        + "' was not found.");
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        respond(exchange, status, body);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("x-ms-request-id", "fake-" + System.nanoTime());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return profiles.toString();
    }
}
