package io.mrm.sandbox.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mrm.hook.adapter.HookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sandbox's pre-flight hook, served on loopback as a user's would be: a change-freeze calendar. While a
 * freeze is on it answers every switch {@code VETO} with the freeze's reason; otherwise {@code SUCCEEDED}. It
 * refuses (401) a request whose HMAC signature does not verify under the shared secret, as a real receiver must.
 * A rehearsal (a drill's step) gets the same answer, and nothing here ever acts.
 */
public final class ChangeFreezeHook implements AutoCloseable {

    /** What the hook was asked, for the sandbox's checks. */
    public record Asked(
            String delivery, String application, String from, String to, boolean rehearsal, String answer) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final String secret;
    private final AtomicReference<String> freeze = new AtomicReference<>();
    private final List<Asked> asked = new CopyOnWriteArrayList<>();

    private ChangeFreezeHook(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/preflight", this::handle);
        // for --interactive: a freeze switched from a shell (loopback only, like the simulated regions' controls)
        server.createContext("/control/freeze", exchange -> control(exchange, "a freeze set from the shell"));
        server.createContext("/control/thaw", exchange -> control(exchange, null));
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "change-freeze-hook");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static ChangeFreezeHook start(String secret) throws IOException {
        return new ChangeFreezeHook(secret);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/preflight";
    }

    /** From now on every switch is vetoed with this reason (null: no freeze). */
    public void freeze(String reason) {
        freeze.set(reason);
    }

    public List<Asked> asked() {
        return List.copyOf(asked);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "{\"detail\":\"POST only\"}");
                return;
            }
            byte[] body = readAtMost(exchange.getRequestBody());
            if (body == null) {
                reply(exchange, 413, "{\"detail\":\"body too large\"}");
                return;
            }
            boolean signed = HookSignature.verify(
                    secret,
                    exchange.getRequestHeaders().getFirst(HookSignature.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(HookSignature.SIGNATURE_HEADER),
                    body,
                    Instant.now(),
                    Duration.ofMinutes(5));
            if (!signed) {
                reply(exchange, 401, "{\"detail\":\"signature does not verify\"}");
                return;
            }
            JsonNode step = JSON.readTree(body);
            String reason = freeze.get();
            String answer = reason == null ? "SUCCEEDED" : "VETO";
            asked.add(new Asked(
                    exchange.getRequestHeaders().getFirst(HookSignature.DELIVERY_HEADER),
                    step.path("application").asText(),
                    step.path("fromRegion").asText(),
                    step.path("toRegion").asText(),
                    step.path("rehearsal").asBoolean(false),
                    answer));
            String detail = reason == null ? "no change freeze: the switch may go ahead" : "change freeze: " + reason;
            reply(
                    exchange,
                    200,
                    JSON.createObjectNode()
                            .put("outcome", answer)
                            .put("detail", detail)
                            .toString());
        }
    }

    private void control(HttpExchange exchange, String reason) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "{\"detail\":\"POST only\"}");
                return;
            }
            freeze(reason);
            reply(exchange, 200, "{\"freeze\":" + (reason == null ? "false" : "true") + "}");
        }
    }

    /** Where an operator switches the freeze on from a shell ({@code curl -X POST}). */
    public String controlUrl(boolean on) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + (on ? "/control/freeze" : "/control/thaw");
    }

    private static byte[] readAtMost(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : body;
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
