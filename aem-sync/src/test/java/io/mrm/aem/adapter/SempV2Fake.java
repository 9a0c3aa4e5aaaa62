package io.mrm.aem.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake of Solace's SEMP v2, on loopback, following Solace's published API for the parts aem-sync
 * uses, with per-VPN state:
 * <ul>
 *   <li>basic authentication (or a bearer token); a wrong one is HTTP 401 with the error envelope;</li>
 *   <li>{@code GET /SEMP/v2/monitor/msgVpns/{vpn}} with a strict {@code select} (an unknown attribute is
 *       400 {@code INVALID_PARAMETER}); {@code replicationBridgeUp} is left out while the bridge is down,
 *       as a real broker does;</li>
 *   <li>{@code GET /SEMP/v2/monitor/msgVpns/{vpn}/queues/%23MSGVPN_REPLICATION_DATA_QUEUE}:
 *       {@code collections.msgs.count} and {@code data.msgSpoolUsage}; the backlog drains by a set
 *       number of messages per read while the bridge is up;</li>
 *   <li>{@code PATCH /SEMP/v2/config/msgVpns/{vpn}} with {@code replicationRole}; the new role can be
 *       made to show only after N monitor reads;</li>
 *   <li>{@code POST}, {@code GET} (with {@code where=queueName==prefix*}, {@code count} and paging
 *       through {@code meta.paging.nextPageUri}) and {@code DELETE} of {@code /SEMP/v2/config/msgVpns/{vpn}/queues};
 *       creating a queue that exists is 400 {@code ALREADY_EXISTS} (code 10).</li>
 * </ul>
 * A missing object is 400 {@code NOT_FOUND} (code 6), as Solace answers. Every change happens under
 * one lock, so the fake is linearizable like the broker. Tests can make it answer an error
 * envelope for a while, and read what was changed by whom.
 */
public final class SempV2Fake implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // the JDK server writes headers and body separately; without TCP_NODELAY the second write waits
        // for the client's delayed ACK, ~40 ms per answer (read once, when the first server starts)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public static final String REPLICATION_QUEUE = "#MSGVPN_REPLICATION_DATA_QUEUE";
    private static final Set<String> VPN_MONITOR_FIELDS = Set.of("msgVpnName", "enabled", "state",
            "replicationEnabled", "replicationRole", "replicationBridgeUp", "replicationRemoteBridgeUp",
            "replicationBridgeName", "replicationQueueBound");
    private static final Set<String> QUEUE_CONFIG_FIELDS = Set.of("queueName", "msgVpnName", "ingressEnabled",
            "egressEnabled", "permission", "maxMsgSpoolUsage", "accessType", "owner");

    /** One role change: which VPN, to what, by which SEMP user, in which order. */
    public record RoleChange(long sequence, String vpn, String role, String user) {
    }

    /** A canned failure for the next requests: HTTP status and Solace's error object. */
    public record Failure(int httpStatus, int code, String status, String description) {
    }

    private static final class Vpn {
        String role;
        String pendingRole;
        int readsUntilVisible;
        boolean replicationEnabled = true;
        String state = "up";
        boolean bridgeUp = true;
        boolean remoteBridgeUp = true;
        long queuedMessages;
        long drainPerRead;
        final Map<String, ObjectNode> queues = new TreeMap<>();
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8);
    private final Map<String, String> users = new LinkedHashMap<>();
    private volatile String bearerToken;
    private final Map<String, Vpn> vpns = new LinkedHashMap<>();
    private final Object lock = new Object();
    private final AtomicLong sequence = new AtomicLong();
    private final List<RoleChange> roleChanges = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private Failure failure;
    private int failuresLeft;
    private int roleDelayReads;
    private int pageSize = 100;

    public SempV2Fake(String username, String password) throws IOException {
        users.put(username, password);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/SEMP/v2/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Another SEMP user (e.g. one per actuator instance, so tests see who changed what). */
    public SempV2Fake user(String username, String password) {
        synchronized (lock) {
            users.put(username, password);
        }
        return this;
    }

    /** Accepts {@code Authorization: Bearer token} too. */
    public SempV2Fake bearer(String token) {
        this.bearerToken = token;
        return this;
    }

    /** A replicating VPN, up, bridges up, empty replication queue. */
    public SempV2Fake vpn(String name, String role) {
        synchronized (lock) {
            Vpn vpn = new Vpn();
            vpn.role = role;
            vpns.put(name, vpn);
        }
        return this;
    }

    public void replicationEnabled(String vpn, boolean enabled) {
        synchronized (lock) {
            vpn(vpn).replicationEnabled = enabled;
        }
    }

    public void bridgeUp(String vpn, boolean up) {
        synchronized (lock) {
            vpn(vpn).bridgeUp = up;
        }
    }

    /** {@code messages} in the replication queue, leaving {@code perRead} at each read of it while the bridge is up. */
    public void backlog(String vpn, long messages, long perRead) {
        synchronized (lock) {
            vpn(vpn).queuedMessages = messages;
            vpn(vpn).drainPerRead = perRead;
        }
    }

    /** A role change shows in the monitor only after this many reads of the VPN. */
    public void roleVisibleAfterReads(int reads) {
        synchronized (lock) {
            roleDelayReads = reads;
        }
    }

    /** The next {@code times} requests (after authentication) answer with {@code failure}. */
    public void fail(int times, Failure failure) {
        synchronized (lock) {
            this.failure = failure;
            this.failuresLeft = times;
        }
    }

    public void pageSize(int size) {
        synchronized (lock) {
            pageSize = size;
        }
    }

    /** The role the broker holds now (a pending change counts). */
    public String role(String vpn) {
        synchronized (lock) {
            Vpn v = vpn(vpn);
            return v.pendingRole != null ? v.pendingRole : v.role;
        }
    }

    public List<String> queueNames(String vpn) {
        synchronized (lock) {
            return List.copyOf(vpn(vpn).queues.keySet());
        }
    }

    /** Creates a queue as an administrator would (e.g. a mark left by a crashed actuator). */
    public void addQueue(String vpn, String queueName) {
        synchronized (lock) {
            vpn(vpn).queues.put(queueName, JSON.createObjectNode().put("queueName", queueName).put("msgVpnName", vpn));
        }
    }

    public List<RoleChange> roleChanges() {
        return List.copyOf(roleChanges);
    }

    /** "METHOD raw-path" of every request, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private Vpn vpn(String name) {
        Vpn vpn = vpns.get(name);
        if (vpn == null) {
            throw new IllegalArgumentException("no VPN " + name + " in the fake");
        }
        return vpn;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            URI uri = exchange.getRequestURI();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + uri.getRawPath());
            String user = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
            if (user == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"SEMP\"");
                respond(exchange, 401, error(exchange, 401, 72, "UNAUTHORIZED", "Unauthorized"));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (lock) {
                if (failuresLeft > 0) {
                    failuresLeft--;
                    respond(exchange, failure.httpStatus(), error(exchange, failure.httpStatus(), failure.code(),
                            failure.status(), failure.description()));
                    return;
                }
                route(exchange, method, uri, user, body);
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, error(exchange, 500, 2, "FAIL", "fake failed: " + e));
        } finally {
            exchange.close();
        }
    }

    private String authenticate(String header) {
        if (header == null) {
            return null;
        }
        if (bearerToken != null && header.equals("Bearer " + bearerToken)) {
            return "(bearer)";
        }
        if (!header.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        synchronized (lock) {
            return decoded.substring(colon + 1).equals(users.get(user)) ? user : null;
        }
    }

    private void route(HttpExchange exchange, String method, URI uri, String user, byte[] body) throws IOException {
        String[] parts = uri.getRawPath().substring("/SEMP/v2/".length()).split("/", -1);
        Map<String, String> query = query(uri.getRawQuery());
        if (parts.length >= 3 && parts[1].equals("msgVpns")) {
            String vpnName = decode(parts[2]);
            Vpn vpn = vpns.get(vpnName);
            if (vpn == null) {
                respond(exchange, 400, error(exchange, 400, 6, "NOT_FOUND", "Could not find match for msgVpnName "
                        + vpnName));
                return;
            }
            if (parts[0].equals("monitor") && parts.length == 3 && method.equals("GET")) {
                monitorVpn(exchange, vpnName, vpn, query);
                return;
            }
            if (parts[0].equals("monitor") && parts.length == 5 && parts[3].equals("queues") && method.equals("GET")) {
                monitorQueue(exchange, vpnName, vpn, decode(parts[4]));
                return;
            }
            if (parts[0].equals("config") && parts.length == 3 && method.equals("PATCH")) {
                patchVpn(exchange, vpnName, vpn, user, body);
                return;
            }
            if (parts[0].equals("config") && parts.length == 4 && parts[3].equals("queues")) {
                if (method.equals("POST")) {
                    createQueue(exchange, vpnName, vpn, body);
                    return;
                }
                if (method.equals("GET")) {
                    listQueues(exchange, vpnName, vpn, query);
                    return;
                }
            }
            if (parts[0].equals("config") && parts.length == 5 && parts[3].equals("queues") && method.equals("DELETE")) {
                String queue = decode(parts[4]);
                if (vpn.queues.remove(queue) == null) {
                    respond(exchange, 400, error(exchange, 400, 6, "NOT_FOUND", "Could not find match for queueName "
                            + queue));
                    return;
                }
                respond(exchange, 200, meta(exchange, 200));
                return;
            }
        }
        respond(exchange, 400, error(exchange, 400, 14, "NOT_SUPPORTED", "not supported by the fake: " + method + " "
                + uri.getRawPath()));
    }

    private void monitorVpn(HttpExchange exchange, String name, Vpn vpn, Map<String, String> query) throws IOException {
        if (vpn.pendingRole != null && --vpn.readsUntilVisible <= 0) {
            vpn.role = vpn.pendingRole;
            vpn.pendingRole = null;
        }
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", name)
                .put("enabled", true)
                .put("state", vpn.state)
                .put("replicationEnabled", vpn.replicationEnabled)
                .put("replicationRole", vpn.role);
        if (vpn.replicationEnabled) {
            data.put("replicationBridgeName", "#MSGVPN_REPLICATION_BRIDGE");
            if (vpn.bridgeUp) {
                // a real broker leaves the local bridge's attributes out while it is not operational
                data.put("replicationBridgeUp", true);
                data.put("replicationQueueBound", true);
            }
            data.put("replicationRemoteBridgeUp", vpn.remoteBridgeUp);
        }
        String select = query.get("select");
        if (select != null) {
            ObjectNode selected = JSON.createObjectNode();
            for (String field : select.split(",")) {
                if (!VPN_MONITOR_FIELDS.contains(field)) {
                    respond(exchange, 400, error(exchange, 400, 11, "INVALID_PARAMETER", "Invalid select: " + field
                            + " is not a valid attribute"));
                    return;
                }
                if (data.has(field)) {
                    selected.set(field, data.get(field));
                }
            }
            data = selected;
        }
        respond(exchange, 200, success(exchange, data, null));
    }

    private void monitorQueue(HttpExchange exchange, String vpnName, Vpn vpn, String queue) throws IOException {
        if (!queue.equals(REPLICATION_QUEUE) || !vpn.replicationEnabled) {
            respond(exchange, 400, error(exchange, 400, 6, "NOT_FOUND", "Could not find match for queueName " + queue));
            return;
        }
        if (vpn.bridgeUp && vpn.queuedMessages > 0) {
            vpn.queuedMessages = Math.max(0, vpn.queuedMessages - vpn.drainPerRead);
        }
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", vpnName)
                .put("queueName", queue)
                .put("msgSpoolUsage", vpn.queuedMessages * 1024)
                .put("spooledMsgCount", 1_000_000);   // cumulative, not the backlog
        ObjectNode collections = JSON.createObjectNode();
        collections.putObject("msgs").put("count", vpn.queuedMessages);
        respond(exchange, 200, success(exchange, data, collections));
    }

    private void patchVpn(HttpExchange exchange, String name, Vpn vpn, String user, byte[] body) throws IOException {
        JsonNode request = parse(exchange, body);
        if (request == null) {
            return;
        }
        for (var field : (Iterable<String>) request::fieldNames) {
            if (!field.equals("replicationRole") && !field.equals("msgVpnName")) {
                respond(exchange, 400, error(exchange, 400, 11, "INVALID_PARAMETER", "the fake supports only "
                        + "replicationRole, not " + field));
                return;
            }
        }
        JsonNode role = request.path("replicationRole");
        if (!role.isMissingNode()) {
            if (!role.isTextual() || !(role.asText().equals("active") || role.asText().equals("standby"))) {
                respond(exchange, 400, error(exchange, 400, 11, "INVALID_PARAMETER", "Invalid value for replicationRole: "
                        + role));
                return;
            }
            String current = vpn.pendingRole != null ? vpn.pendingRole : vpn.role;
            if (!current.equals(role.asText())) {
                roleChanges.add(new RoleChange(sequence.incrementAndGet(), name, role.asText(), user));
            }
            if (roleDelayReads > 0 && !vpn.role.equals(role.asText())) {
                vpn.pendingRole = role.asText();
                vpn.readsUntilVisible = roleDelayReads;
            } else {
                vpn.role = role.asText();
                vpn.pendingRole = null;
            }
        }
        ObjectNode data = JSON.createObjectNode().put("msgVpnName", name).put("replicationEnabled", vpn.replicationEnabled)
                .put("replicationRole", vpn.pendingRole != null ? vpn.pendingRole : vpn.role);
        respond(exchange, 200, success(exchange, data, null));
    }

    private void createQueue(HttpExchange exchange, String vpnName, Vpn vpn, byte[] body) throws IOException {
        JsonNode request = parse(exchange, body);
        if (request == null) {
            return;
        }
        String name = request.path("queueName").asText("");
        if (name.isEmpty() || name.length() > 200) {
            respond(exchange, 400, error(exchange, 400, 228, "MISSING_PARAMETER", "queueName is required (1-200 characters)"));
            return;
        }
        for (var field : (Iterable<String>) request::fieldNames) {
            if (!QUEUE_CONFIG_FIELDS.contains(field)) {
                respond(exchange, 400, error(exchange, 400, 11, "INVALID_PARAMETER", field + " is not a valid attribute"));
                return;
            }
        }
        if (vpn.queues.containsKey(name)) {
            respond(exchange, 400, error(exchange, 400, 10, "ALREADY_EXISTS", "Queue " + name + " already exists"));
            return;
        }
        ObjectNode stored = ((ObjectNode) request.deepCopy()).put("msgVpnName", vpnName);
        vpn.queues.put(name, stored);
        respond(exchange, 200, success(exchange, stored.deepCopy(), null));
    }

    private void listQueues(HttpExchange exchange, String vpnName, Vpn vpn, Map<String, String> query) throws IOException {
        String where = query.get("where");
        String prefix = null;
        String exact = null;
        if (where != null) {
            if (!where.startsWith("queueName==")) {
                respond(exchange, 400, error(exchange, 400, 11, "INVALID_PARAMETER", "the fake supports where=queueName==..."));
                return;
            }
            String pattern = where.substring("queueName==".length());
            if (pattern.endsWith("*")) {
                prefix = pattern.substring(0, pattern.length() - 1);
            } else {
                exact = pattern;
            }
        }
        int count = query.containsKey("count") ? Integer.parseInt(query.get("count")) : pageSize;
        count = Math.min(count, pageSize);
        String after = query.get("cursor");
        List<String> matching = new ArrayList<>();
        for (String name : vpn.queues.keySet()) {
            if ((prefix == null || name.startsWith(prefix)) && (exact == null || name.equals(exact))
                    && (after == null || name.compareTo(after) > 0)) {
                matching.add(name);
            }
        }
        ArrayNode data = JSON.createArrayNode();
        for (String name : matching.subList(0, Math.min(count, matching.size()))) {
            data.add(JSON.createObjectNode().put("queueName", name).put("msgVpnName", vpnName));
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        ObjectNode meta = (ObjectNode) meta(exchange, 200).get("meta");
        if (matching.size() > count) {
            String last = matching.get(count - 1);
            String next = "http://" + exchange.getRequestHeaders().getFirst("Host") + exchange.getRequestURI().getRawPath()
                    + "?count=" + count + (where == null ? "" : "&where=" + SempV2Client.query(where))
                    + "&cursor=" + SempV2Client.query(last);
            meta.putObject("paging").put("cursorQuery", last).put("nextPageUri", next);
        }
        body.set("meta", meta);
        respond(exchange, 200, body);
    }

    private JsonNode parse(HttpExchange exchange, byte[] body) throws IOException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // answered below
        }
        respond(exchange, 400, error(exchange, 400, 27, "PARSE_ERROR", "The request body is not a JSON object"));
        return null;
    }

    private static ObjectNode success(HttpExchange exchange, JsonNode data, JsonNode collections) {
        ObjectNode body = JSON.createObjectNode();
        if (collections != null) {
            body.set("collections", collections);
        }
        body.set("data", data);
        body.putObject("links").put("uri", "http://" + exchange.getRequestHeaders().getFirst("Host")
                + exchange.getRequestURI().getRawPath());
        body.setAll(meta(exchange, 200));
        return body;
    }

    private static ObjectNode meta(HttpExchange exchange, int status) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode meta = body.putObject("meta");
        meta.putObject("request").put("method", exchange.getRequestMethod()).put("uri", exchange.getRequestURI().toString());
        meta.put("responseCode", status);
        return body;
    }

    private static ObjectNode error(HttpExchange exchange, int status, int code, String name, String description) {
        ObjectNode body = meta(exchange, status);
        ((ObjectNode) body.get("meta")).putObject("error").put("code", code).put("description", description)
                .put("status", name);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> map = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            map.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return map;
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
