package io.mrm.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.observation.HealthObservation;
import io.mrm.health.adapter.alert.AlertRefresher;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The alert webhook served over TLS through the shipped profile {@code webhook-tls} (a PEM SSL bundle, as a
 * Kubernetes TLS secret mounts it), with a certificate made by keytool for this run, and actuator on a
 * management port of its own in plain HTTP. A caller that speaks plain HTTP to the webhook's port is
 * answered 400 by the TLS connector and never reaches the webhook; one that does not trust the certificate
 * fails its handshake.
 */
@SpringBootTest(
        classes = HealthMonitorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=health-monitor",
            "spring.profiles.active=local,webhook-tls",
            "management.server.port=0",
            "mrm.kafka.topic-prefix=tlsit.",
            "mrm.kafka.partitions=1",
            "mrm.health.interval=200ms",
            "mrm.health.vantage=vantage-tls"
        })
class WebhookTlsIT {

    static final String TOKEN = "webhook-tls-it-token";
    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("tlsit.");
    static final Path DIR = tempDir();
    static final Path KEYSTORE = DIR.resolve("webhook.p12");
    static final char[] STORE_PASSWORD = "test-only-store-password".toCharArray();

    static {
        keytool(
                "-genkeypair",
                "-alias",
                "webhook",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                KEYSTORE.toString(),
                "-storepass",
                new String(STORE_PASSWORD),
                "-keypass",
                new String(STORE_PASSWORD));
        writePem(); // tls.crt and tls.key, as a Kubernetes TLS secret holds them
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("spring.ssl.bundle.pem.webhook.keystore.certificate", () -> "file:" + DIR.resolve("tls.crt"));
        registry.add("spring.ssl.bundle.pem.webhook.keystore.private-key", () -> "file:" + DIR.resolve("tls.key"));
        registry.add("mrm.health.alerts.enabled", () -> "true");
        registry.add("mrm.health.alerts.token.file", () -> DIR.resolve("token").toString());
        for (String region : List.of("a", "b")) {
            int i = region.equals("a") ? 0 : 1;
            registry.add("mrm.health.alerts.rules[" + i + "].alert-name", () -> "ShopRegionDown");
            registry.add("mrm.health.alerts.rules[" + i + "].labels.region", () -> region);
            registry.add("mrm.health.alerts.rules[" + i + "].application-id", () -> "shop");
            registry.add("mrm.health.alerts.rules[" + i + "].region", () -> "region-" + region);
        }
    }

    @AfterAll
    static void stopAll() throws IOException {
        KAFKA.close();
        try (var files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(DIR);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    AlertRefresher refresher;

    @Test
    void theWebhookAnswersOnlyOverTlsAndAPlainTextCallerNeverReachesIt() throws Exception {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.OBSERVATIONS))) {
            // given a caller that speaks plain HTTP to the webhook's port, with a valid token
            int plain = statusOrMinusOne(HttpClient.newHttpClient(), "http", "b");

            // when one that trusts the certificate sends over TLS
            int tls = statusOrMinusOne(trusting(), "https", "a");

            // then only the TLS call counted: region-a is reported again and again, region-b never
            assertThat(plain)
                    .as("plain HTTP on the TLS port: the connector's 400, or no answer")
                    .isIn(400, -1);
            assertThat(tls).isEqualTo(202);
            await("region-a reported DOWN repeatedly")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> observationsOf(recorder, "region-a") >= 3);
            assertThat(observationsOf(recorder, "region-b"))
                    .as("the plain-text call's alert")
                    .isZero();
        } finally {
            refresher.stop();
        }
    }

    @Test
    void aCallerThatDoesNotTrustTheCertificateFailsItsHandshake() {
        HttpClient jdkTrust =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> jdkTrust.send(post("https", "a"), HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void actuatorIsOnTheManagementPortInPlainHttpAndNotOnTheWebhooksPort() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/liveness"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");

        HttpResponse<String> onWebhookPort = trusting()
                .send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/actuator/health/liveness"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(onWebhookPort.statusCode()).isEqualTo(404);
    }

    private static long observationsOf(TopicRecorder recorder, String region) {
        return recorder.events(HealthObservation.class).stream()
                .filter(o -> o.region().equals(region))
                .count();
    }

    /** The status, or -1 when the server closed the connection without an HTTP answer. */
    private int statusOrMinusOne(HttpClient client, String scheme, String region) throws InterruptedException {
        try {
            return client.send(post(scheme, region), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            if (scheme.equals("https")) {
                throw new UncheckedIOException(e);
            }
            return -1;
        }
    }

    private HttpRequest post(String scheme, String region) {
        String body = "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"mrm\",\"groupLabels\":{},"
                + "\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager:9093\","
                + "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ShopRegionDown\",\"region\":\""
                + region + "\",\"severity\":\"critical\"},\"annotations\":{},\"startsAt\":\"2026-11-25T09:59:00Z\","
                + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"f00d" + region + "\"}]}";
        return HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + port + "/alerts/alertmanager"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** A client that trusts this run's certificate only (and verifies the host name against its SAN). */
    private static HttpClient trusting() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(KEYSTORE)) {
            keys.load(in, STORE_PASSWORD);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("webhook", keys.getCertificate("webhook"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(context)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static void keytool(String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void writePem() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(KEYSTORE)) {
                keys.load(in, STORE_PASSWORD);
            }
            Certificate certificate = keys.getCertificate("webhook");
            PrivateKey key = (PrivateKey) keys.getKey("webhook", STORE_PASSWORD);
            Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            Files.writeString(
                    DIR.resolve("tls.crt"),
                    "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(certificate.getEncoded())
                            + "\n-----END CERTIFICATE-----\n");
            Files.writeString(
                    DIR.resolve("tls.key"),
                    "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(key.getEncoded())
                            + "\n-----END PRIVATE KEY-----\n");
            Files.writeString(DIR.resolve("token"), TOKEN + "\n");
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the test's PEM files", e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mrm-webhook-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
