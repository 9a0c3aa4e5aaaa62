package io.mrm.health.adapter.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fake of the Solace SEMP v2 <em>monitor</em> API, following Solace's published shapes: on loopback,
 * basic authentication, {@code GET /SEMP/v2/monitor/msgVpns/{msgVpnName}} and
 * {@code GET /SEMP/v2/monitor/msgVpns/{msgVpnName}/queues/{queueName}} (names URL-encoded, so the
 * replication queue is {@code %23MSGVPN_REPLICATION_DATA_QUEUE}). Success is
 * {@code {"data": {...}, "links": {...}, "meta": {"request": {...}, "responseCode": 200}}}; a missing
 * object is HTTP 400 with {@code meta.error} {@code NOT_FOUND}, bad credentials HTTP 401. It ignores
 * {@code select}. Tests change a VPN's state while it runs, or make it answer an error, garbage or
 * nothing.
 */
public final class SempV2MonitorFake implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String REPLICATION_QUEUE = "#MSGVPN_REPLICATION_DATA_QUEUE";

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final String username;
    private final String password;
    private final Map<String, ObjectNode> vpns = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> queues = new ConcurrentHashMap<>();
    final List<String> requestedRawPaths = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    volatile Integer failWithStatus;
    volatile boolean answerGarbage;
    volatile boolean hang;

    public SempV2MonitorFake(String username, String password) throws IOException {
        this.username = username;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/SEMP/v2/monitor/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A replicating VPN: {@code state} up, replication enabled, the given role and bridge state. */
    public void replicatingVpn(String vpn, String role, boolean bridgeUp, long replicationQueueBytes) {
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", vpn)
                .put("enabled", true)
                .put("state", "up")
                .put("replicationEnabled", true)
                .put("replicationRole", role)
                .put("replicationBridgeUp", bridgeUp)
                .put("replicationBridgeName", "#MSGVPN_REPLICATION_BRIDGE")
                .put("msgSpoolMsgCount", 42);
        vpns.put(vpn, data);
        queues.put(vpn + "/" + REPLICATION_QUEUE, JSON.createObjectNode()
                .put("msgVpnName", vpn)
                .put("queueName", REPLICATION_QUEUE)
                .put("msgSpoolUsage", replicationQueueBytes)
                .put("spooledMsgCount", 123_456));
    }

    /** A VPN without replication (and so without the replication queue). */
    void plainVpn(String vpn, String state) {
        vpns.put(vpn, JSON.createObjectNode().put("msgVpnName", vpn).put("enabled", true).put("state", state)
                .put("replicationEnabled", false).put("replicationRole", "standby").put("replicationBridgeUp", false));
        queues.remove(vpn + "/" + REPLICATION_QUEUE);
    }

    void dropQueue(String vpn, String queue) {
        queues.remove(vpn + "/" + queue);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String rawPath = exchange.getRequestURI().getRawPath();
            requestedRawPaths.add(rawPath);
            if (hang) {
                release.await(10, TimeUnit.SECONDS);
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"SEMP\"");
                respond(exchange, 401, error(exchange, 401, 0, "Unauthorized", "UNAUTHORIZED"));
                return;
            }
            if (failWithStatus != null) {
                respond(exchange, failWithStatus, error(exchange, failWithStatus, 2, "Internal error", "INTERNAL_ERROR"));
                return;
            }
            if (answerGarbage) {
                send(exchange, 200, "<html>maintenance</html>".getBytes(StandardCharsets.UTF_8), "text/html");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 405, error(exchange, 405, 0, "Method not allowed", "METHOD_NOT_ALLOWED"));
                return;
            }
            String[] parts = rawPath.substring("/SEMP/v2/monitor/".length()).split("/");
            ObjectNode data = null;
            String missing;
            if (parts.length == 2 && parts[0].equals("msgVpns")) {
                String vpn = decode(parts[1]);
                data = vpns.get(vpn);
                missing = "Could not find match for msgVpnName " + vpn;
            } else if (parts.length == 4 && parts[0].equals("msgVpns") && parts[2].equals("queues")) {
                String vpn = decode(parts[1]);
                String queue = decode(parts[3]);
                data = queues.get(vpn + "/" + queue);
                missing = "Could not find match for queueName " + queue + " in msgVpnName " + vpn;
            } else {
                missing = "Unknown resource " + rawPath;
            }
            if (data == null) {
                respond(exchange, 400, error(exchange, 400, 6, missing, "NOT_FOUND"));
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            body.set("data", data.deepCopy());
            body.putObject("links").put("uri", "http://" + exchange.getRequestHeaders().getFirst("Host") + rawPath);
            ObjectNode meta = body.putObject("meta");
            meta.putObject("request").put("method", "GET").put("uri", exchange.getRequestURI().toString());
            meta.put("responseCode", 200);
            respond(exchange, 200, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private boolean authorized(String header) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    private static ObjectNode error(HttpExchange exchange, int status, int code, String description, String name) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode meta = body.putObject("meta");
        meta.putObject("error").put("code", code).put("description", description).put("status", name);
        meta.putObject("request").put("method", exchange.getRequestMethod()).put("uri", exchange.getRequestURI().toString());
        meta.put("responseCode", status);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        send(exchange, status, JSON.writeValueAsBytes(body), "application/json");
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes, String type) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
