package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpProbeTest {

    /**
     * Connect and read timeout of the exchanges that do get an answer: generous, so that a busy machine cannot
     * turn an answer into a timeout. The tests where a timeout must fire set their own, short ones.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a test waits for a probe's result beyond the probe's own deadline (a busy machine's room). */
    static final Duration ROOM = Duration.ofSeconds(20);

    final AtomicInteger status = new AtomicInteger(200);
    final AtomicReference<String> body = new AtomicReference<>("{\"status\":\"UP\"}");
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicReference<String> seenMethod = new AtomicReference<>();
    final AtomicReference<String> seenTenant = new AtomicReference<>();
    final HttpClients clients = new HttpClients();
    HttpServer server;
    ExecutorService handlers;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> respond(exchange, status.get(), body.get()));
        server.createContext("/guarded", exchange -> {
            seenMethod.set(exchange.getRequestMethod());
            seenTenant.set(exchange.getRequestHeaders().getFirst("X-Tenant"));
            boolean allowed = "Bearer t0ken".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            respond(exchange, allowed ? 200 : 401, exchange.getRequestMethod().equals("HEAD") ? "" : "ok");
        });
        server.createContext("/hang", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "late");
        });
        server.createContext("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, no length
            OutputStream out = exchange.getResponseBody();
            out.write(("MARKER" + "x".repeat(HttpProbe.BODY_LIMIT)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS); // the rest of the body never comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        // handlers on their own threads, so a hanging one does not block the others
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void upOn200() throws Exception {
        ProbeResult result = probe(settings("/health", null));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("HTTP 200");
    }

    @Test
    void aRedirectIsDownInTheDefaultRange() throws Exception {
        // a login page or another region's page is not this application answering (see HttpRedirectTest)
        status.set(302);

        assertThat(probe(settings("/health", null)).status()).isEqualTo(HealthStatus.DOWN);
    }

    @Test
    void downOn503WithTheStatusInTheDetail() throws Exception {
        status.set(503);

        ProbeResult result = probe(settings("/health", null));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("HTTP 503, expected 200-299");
    }

    @Test
    void expectedStatusRangeIsConfigurable() throws Exception {
        status.set(204);
        HttpProbe.Settings only200 =
                new HttpProbe.Settings(url("/health"), StatusRange.parse("200"), null, TIMEOUT, TIMEOUT);

        ProbeResult result = probe(only200);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("HTTP 204, expected 200");
    }

    @Test
    void downWhenTheConnectionIsRefused() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        HttpProbe.Settings refused = new HttpProbe.Settings(
                URI.create("http://127.0.0.1:" + closedPort + "/health"), null, null, TIMEOUT, TIMEOUT);

        ProbeResult result = probe(refused);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).startsWith("cannot connect").containsIgnoringCase("refused");
    }

    @Test
    void downOnReadTimeoutAfterConnectPlusReadTimeout() throws Exception {
        // the server never answers: the deadline (connect + read timeout) must fire. The connect timeout is
        // long enough for a busy machine's loopback connect, so it is the read side that times out
        HttpProbe.Settings hanging =
                new HttpProbe.Settings(url("/hang"), null, null, Duration.ofSeconds(2), Duration.ofMillis(300));

        ProbeResult result = probe(hanging);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("read timeout: no complete response within 2300 ms "
                        + "(connect-timeout 2000 ms + read-timeout 300 ms)");
        // not at the read timeout alone, nor at the connect timeout: at their sum
        assertThat(result.latency())
                .isGreaterThanOrEqualTo(hanging.deadline())
                .isLessThan(hanging.deadline().plus(ROOM));
    }

    @Test
    void upWhenTheBodyContainsTheText() throws Exception {
        ProbeResult result = probe(settings("/health", "\"status\":\"UP\""));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("HTTP 200, body contains the expected text");
    }

    @Test
    void downWhenTheBodyLacksTheText() throws Exception {
        body.set("{\"status\":\"OUT_OF_SERVICE\"}");

        ProbeResult result = probe(settings("/health", "\"status\":\"UP\""));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("HTTP 200 but the first 5120 bytes of the body do not contain the expected text");
    }

    @Test
    void onlyTheFirst5120BytesOfTheBodyAreSearched() throws Exception {
        body.set("x".repeat(HttpProbe.BODY_LIMIT - 4) + "MARKER");

        assertThat(probe(settings("/health", "MARKER")).status()).isEqualTo(HealthStatus.DOWN);
        assertThat(probe(settings("/health", "xMAR")).status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aBodyThatNeverEndsIsReadOnlyUpToTheLimit() throws Exception {
        HttpProbe.Settings settings = settings("/endless", "MARKER");

        ProbeResult result = probe(settings);

        // the rest of the body never comes (until the test ends): a probe that waited for it would have run
        // into its deadline and be DOWN with a read timeout
        assertThat(result.status()).as(result.detail()).isEqualTo(HealthStatus.UP);
        assertThat(result.latency()).isLessThan(settings.deadline());
    }

    @Test
    void latencyIsTheTimeFromStartToResult() throws Exception {
        AtomicLong fakeNanos = new AtomicLong();
        HttpProbe.Settings settings = settings("/health", null);
        HttpProbe probe = new HttpProbe(
                clients.withConnectTimeout(TIMEOUT),
                settings,
                () -> fakeNanos.addAndGet(Duration.ofMillis(42).toNanos()));

        ProbeResult result = probe.probe().toCompletableFuture().get(ROOM.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.latency()).isEqualTo(Duration.ofMillis(42));
    }

    @Test
    void latencyIsRecordedWithTheRealClock() throws Exception {
        ProbeResult result = probe(settings("/health", null));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        // measured, not a constant; an answer later than the deadline would have been a timeout
        assertThat(result.latency())
                .isNotNull()
                .isPositive()
                .isLessThan(settings("/health", null).deadline());
    }

    @Test
    void headersAndSecretHeadersAreSentAndTheSecretIsReadAtEachProbe() throws Exception {
        java.util.Map<String, String> env = new java.util.concurrent.ConcurrentHashMap<>();
        env.put("HEALTH_AUTH", "Bearer wrong");
        HttpProbe.Settings settings = new HttpProbe.Settings(
                url("/guarded"),
                null,
                null,
                TIMEOUT,
                TIMEOUT,
                "GET",
                java.util.Map.of("X-Tenant", "shop"),
                java.util.Map.of("Authorization", SecretReference.env("HEALTH_AUTH", env)));
        HttpProbe probe = new HttpProbe(clients.withConnectTimeout(TIMEOUT), settings);

        ProbeResult refused = probe.probe().toCompletableFuture().get(ROOM.toSeconds(), TimeUnit.SECONDS);
        env.put("HEALTH_AUTH", "Bearer t0ken");
        ProbeResult accepted = probe.probe().toCompletableFuture().get(ROOM.toSeconds(), TimeUnit.SECONDS);

        assertThat(refused.detail()).isEqualTo("HTTP 401, expected 200-299");
        assertThat(accepted.status()).isEqualTo(HealthStatus.UP);
        assertThat(seenTenant.get()).isEqualTo("shop");
        assertThat(seenMethod.get()).isEqualTo("GET");
    }

    @Test
    void aSecretHeaderThatCannotBeReadIsDownNamingOnlyTheReference() throws Exception {
        HttpProbe.Settings settings = new HttpProbe.Settings(
                url("/guarded"),
                null,
                null,
                TIMEOUT,
                TIMEOUT,
                "GET",
                java.util.Map.of(),
                java.util.Map.of("Authorization", SecretReference.env("UNSET_AUTH", java.util.Map.of())));

        ProbeResult result = probe(settings);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("credential not available: environment variable UNSET_AUTH is not set");
        assertThat(seenMethod.get()).as("no request was sent").isNull();
    }

    @Test
    void headRequestsAreSupported() throws Exception {
        HttpProbe.Settings settings = new HttpProbe.Settings(
                url("/guarded"),
                null,
                null,
                TIMEOUT,
                TIMEOUT,
                "head",
                java.util.Map.of(),
                java.util.Map.of("Authorization", SecretReference.literal("Bearer t0ken")));

        ProbeResult result = probe(settings);

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(seenMethod.get()).isEqualTo("HEAD");
        assertThatThrownBy(
                        () -> new HttpProbe.Settings(url("/health"), null, "UP", TIMEOUT, TIMEOUT, "HEAD", null, null))
                .hasMessageContaining("a HEAD request has no body");
    }

    @Test
    void onlyHttpAndHttpsAreAccepted() {
        assertThatThrownBy(() -> new HttpProbe.Settings(URI.create("ftp://example.com/"), null, null, TIMEOUT, TIMEOUT))
                .hasMessageContaining("url must be http or https");
    }

    private ProbeResult probe(HttpProbe.Settings settings) throws Exception {
        HttpProbe probe = new HttpProbe(clients.withConnectTimeout(settings.connectTimeout()), settings);
        return probe.probe()
                .toCompletableFuture()
                .get(settings.deadline().plus(ROOM).toMillis(), TimeUnit.MILLISECONDS);
    }

    private HttpProbe.Settings settings(String path, String bodyContains) {
        return new HttpProbe.Settings(url(path), null, bodyContains, TIMEOUT, TIMEOUT);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static void respond(HttpExchange exchange, int code, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                } catch (IOException e) {
                    // the probe stopped reading after the first bytes
                }
            }
        } finally {
            exchange.close();
        }
    }
}
