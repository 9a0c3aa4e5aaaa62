package io.mrm.sandbox.aem;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A simulated region's event broker for the sandbox: a fake of Solace's SEMP v2 on loopback with
 * one replicating Message VPN, speaking the published API for what aem-sync needs and nothing more
 * (basic authentication; {@code GET /SEMP/v2/monitor/msgVpns/{vpn}}, its replication queue
 * {@code %23MSGVPN_REPLICATION_DATA_QUEUE}, {@code PATCH /SEMP/v2/config/msgVpns/{vpn}} with
 * {@code replicationRole}; errors in Solace's {@code meta.error} envelope). aem-sync's own tests use a
 * fuller fake; this one only has to let the sandbox show a switch.
 */
public final class SempV2RegionFake implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLICATION_QUEUE = "#MSGVPN_REPLICATION_DATA_QUEUE";

    private final HttpServer server;
    private final ExecutorService handlers;
    private final String vpn;
    private final String authorization;
    private volatile String role;

    public SempV2RegionFake(String vpn, String role, String username, String password) throws IOException {
        this.vpn = vpn;
        this.role = role;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        handlers = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "semp-fake-" + vpn);
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/SEMP/v2/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String vpn() {
        return vpn;
    }

    /** {@code active} or {@code standby}. */
    public String role() {
        return role;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, error(exchange, 401, 72, "UNAUTHORIZED", "Unauthorized"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            String vpnPath = "/msgVpns/" + URLDecoder.decode(segmentAfter(path, "/msgVpns/"), StandardCharsets.UTF_8);
            if (!vpnPath.equals("/msgVpns/" + vpn)) {
                respond(exchange, 400, error(exchange, 400, 6, "NOT_FOUND", "Could not find match for msgVpnName "
                        + URLDecoder.decode(segmentAfter(path, "/msgVpns/"), StandardCharsets.UTF_8)));
            } else if (method.equals("GET") && path.endsWith("/queues/%23MSGVPN_REPLICATION_DATA_QUEUE")
                    && path.startsWith("/SEMP/v2/monitor/")) {
                ObjectNode body = success(exchange, JSON.createObjectNode().put("msgVpnName", vpn)
                        .put("queueName", REPLICATION_QUEUE).put("msgSpoolUsage", 0));
                body.putObject("collections").putObject("msgs").put("count", 0);
                respond(exchange, 200, body);
            } else if (method.equals("GET") && path.startsWith("/SEMP/v2/monitor/msgVpns/") && !path.contains("/queues")) {
                respond(exchange, 200, success(exchange, JSON.createObjectNode().put("msgVpnName", vpn).put("state", "up")
                        .put("replicationEnabled", true).put("replicationRole", role).put("replicationBridgeUp", true)
                        .put("replicationRemoteBridgeUp", true)));
            } else if (method.equals("PATCH") && path.startsWith("/SEMP/v2/config/msgVpns/") && !path.contains("/queues")) {
                JsonNode wanted = JSON.readTree(exchange.getRequestBody()).path("replicationRole");
                if (!wanted.isTextual() || !(wanted.asText().equals("active") || wanted.asText().equals("standby"))) {
                    respond(exchange, 400, error(exchange, 400, 11, "INVALID_PARAMETER", "Invalid replicationRole"));
                    return;
                }
                role = wanted.asText();
                respond(exchange, 200, success(exchange, JSON.createObjectNode().put("msgVpnName", vpn)
                        .put("replicationRole", role)));
            } else {
                respond(exchange, 400, error(exchange, 400, 14, "NOT_SUPPORTED", "not supported by the sandbox's fake: "
                        + method + " " + path));
            }
        } catch (IOException | RuntimeException e) {
            respond(exchange, 500, error(exchange, 500, 2, "FAIL", "fake failed: " + e.getClass().getSimpleName()));
        } finally {
            exchange.close();
        }
    }

    private static String segmentAfter(String path, String marker) {
        int at = path.indexOf(marker);
        if (at < 0) {
            return "";
        }
        String rest = path.substring(at + marker.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static ObjectNode success(HttpExchange exchange, ObjectNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        body.set("meta", meta(exchange, 200));
        return body;
    }

    private static ObjectNode meta(HttpExchange exchange, int status) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("request").put("method", exchange.getRequestMethod()).put("uri", exchange.getRequestURI().toString());
        meta.put("responseCode", status);
        return meta;
    }

    private static ObjectNode error(HttpExchange exchange, int status, int code, String name, String description) {
        ObjectNode meta = meta(exchange, status);
        meta.putObject("error").put("code", code).put("description", description).put("status", name);
        ObjectNode body = JSON.createObjectNode();
        body.set("meta", meta);
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

    /** The region's broker is gone: its management port refuses connections from now on. */
    public void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
