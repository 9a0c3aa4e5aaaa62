package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A redirect is not an answer from the application: a login page, or another region's "sorry" page, would
 * keep a dead region UP. It counts only when configured, and only to the expected location.
 */
class HttpRedirectTest {

    /** Connect and read timeout: generous, so that a busy machine cannot turn the server's answer into a timeout. */
    static final Duration ANSWERED = Duration.ofSeconds(10);

    HttpServer server;
    final HttpClients clients = new HttpClients();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/login-redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "/login?next=%2Fhealth");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/sorry-redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "https://sorry.us10.example.com/");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        clients.close();
    }

    private ProbeResult probe(String path, URI redirectTo) throws Exception {
        HttpProbe.Settings settings = new HttpProbe.Settings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                StatusRange.DEFAULT,
                null,
                ANSWERED,
                ANSWERED,
                "GET",
                Map.of(),
                Map.of(),
                redirectTo);
        return new HttpProbe(clients.withConnectTimeout(settings.connectTimeout()), settings)
                .probe()
                .toCompletableFuture()
                .get(settings.deadline().plusSeconds(20).toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aLoginRedirectKeepsNoRegionUpByDefault() throws Exception {
        ProbeResult result = probe("/login-redirect", null);
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .contains("HTTP 302 redirect to http://127.0.0.1:")
                .contains("/login");
    }

    @Test
    void anotherRegionsSorryPageIsDownEvenWithARedirectConfigured() throws Exception {
        ProbeResult result = probe("/sorry-redirect", URI.create("https://orders.eu10.example.com/login"));
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).contains("sorry.us10.example.com").contains("expected to");
    }

    @Test
    void aRedirectToTheExpectedLocationCountsWhenConfigured() throws Exception {
        URI expected = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/login");
        assertThat(probe("/login-redirect", expected).status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void anExpectedStatusRangeWithRedirectsIsRefused() {
        assertThatThrownBy(() -> new HttpProbe.Settings(
                        URI.create("http://127.0.0.1/"),
                        StatusRange.parse("200-399"),
                        null,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1)))
                .hasMessageContaining("includes redirects");
        assertThat(StatusRange.DEFAULT.toString()).isEqualTo("200-299");
    }
}
