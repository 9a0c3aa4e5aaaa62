package io.mrm.hook.adapter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A hook receiver as a user would write one, on a real local HTTP(S) server: it verifies the signature with
 * {@link HookSignature#verify} (401 if it does not verify) and answers what the test scripted.
 */
public final class LocalReceiver implements AutoCloseable {

    /** What the receiver got. */
    public record Delivery(String deliveryId, String body, boolean signatureValid) {}

    public record Answer(int status, String body, boolean never) {
        public static Answer json(String outcome, String detail) {
            return new Answer(200, "{\"outcome\":\"" + outcome + "\",\"detail\":\"" + detail + "\"}", false);
        }

        public static Answer status(int status, String body) {
            return new Answer(status, body, false);
        }

        public static Answer neverAnswers() {
            return new Answer(0, "", true);
        }
    }

    public final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String secret;

    private LocalReceiver(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret;
        server.createContext("/hook", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Plain HTTP on loopback, verifying signatures under {@code secret} (null: accepts unsigned requests). */
    public static LocalReceiver http(String secret) throws IOException {
        return new LocalReceiver(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), secret);
    }

    /** HTTPS on loopback that requires a client certificate its trust store accepts. */
    public static LocalReceiver mutualTls(SSLContext serverContext, String secret) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
            @Override
            public void configure(HttpsParameters params) {
                var ssl = serverContext.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                params.setSSLParameters(ssl);
            }
        });
        return new LocalReceiver(server, secret);
    }

    public LocalReceiver answering(Answer... scripted) {
        answers.addAll(List.of(scripted));
        return this;
    }

    public URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean valid = secret == null
                    || HookSignature.verify(
                            secret,
                            exchange.getRequestHeaders().getFirst(HookSignature.TIMESTAMP_HEADER),
                            exchange.getRequestHeaders().getFirst(HookSignature.SIGNATURE_HEADER),
                            body,
                            Instant.now(),
                            Duration.ofMinutes(5));
            deliveries.add(new Delivery(
                    exchange.getRequestHeaders().getFirst(HookSignature.DELIVERY_HEADER),
                    new String(body, StandardCharsets.UTF_8),
                    valid));
            if (!valid) {
                respond(exchange, 401, "{\"error\":\"signature does not verify\"}");
                return;
            }
            Answer answer = answers.poll();
            if (answer == null) {
                answer = Answer.json("SUCCEEDED", "done");
            }
            if (answer.never()) {
                released.await();
                return;
            }
            respond(exchange, answer.status(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
