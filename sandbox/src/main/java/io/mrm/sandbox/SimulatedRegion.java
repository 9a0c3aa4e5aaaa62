package io.mrm.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A stand-in for one region's application: a small HTTP server on loopback whose {@code /health}
 * answers 200 while the region is up and 503 once it is broken. {@code POST /control/fail} and
 * {@code POST /control/recover} break and mend it from outside (interactive mode).
 */
public final class SimulatedRegion implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private volatile boolean up = true;

    public SimulatedRegion(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/health",
                exchange ->
                        respond(exchange, up ? 200 : 503, up ? name + " ok" : name + " is down (simulated outage)"));
        server.createContext("/control/fail", exchange -> {
            fail();
            respond(exchange, 200, name + " broken");
        });
        server.createContext("/control/recover", exchange -> {
            recover();
            respond(exchange, 200, name + " recovered");
        });
        server.createContext("/", exchange -> respond(exchange, up ? 200 : 503, "served from " + name));
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "region-" + name);
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String healthUrl() {
        return baseUrl() + "/health";
    }

    public boolean isUp() {
        return up;
    }

    public void fail() {
        up = false;
    }

    public void recover() {
        up = true;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
