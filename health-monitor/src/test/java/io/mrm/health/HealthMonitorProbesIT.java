package io.mrm.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.probe.DnsjavaLoopbackDnsServer;
import io.mrm.health.adapter.probe.ProbeScheduler;
import io.mrm.sempfake.SempV2Fake;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service with a probe of every network kind (TCP open and closed, DNS, AEM SEMP against the project's
 * {@link SempV2Fake}, an AEM messaging round trip through the real JCSMP client to a closed port) and the alert
 * webhook enabled, on a real in-process broker: each kind's observations arrive on the observations
 * topic, pass the consumers' inbound validation (key, CloudEvents headers, body) and carry the right
 * probe kind; an authenticated Alertmanager call becomes an ALERT_WEBHOOK observation, an
 * unauthenticated one is refused. Every observation, the alert's included, carries this monitor's
 * region label.
 */
@SpringBootTest(
        classes = HealthMonitorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=health-monitor",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hmprobes.",
            "mrm.kafka.partitions=1",
            "mrm.health.interval=300ms",
            "mrm.health.vantage=vantage-it",
            "mrm.health.vantage-region=control"
        })
class HealthMonitorProbesIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hmprobes.");
    static final String TOKEN = "it-alert-token";
    static final ServerSocket OPEN_PORT = openPort();
    static final int CLOSED_PORT = closedPort();
    static final DnsjavaLoopbackDnsServer DNS = dns();
    static final SempV2Fake SEMP = semp();
    static final Path SECRETS = secrets();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        target(registry, 0, "db-port", "tcp");
        registry.add("mrm.health.targets[0].tcp.host", () -> "127.0.0.1");
        registry.add("mrm.health.targets[0].tcp.port", OPEN_PORT::getLocalPort);
        target(registry, 1, "dns", "dns");
        registry.add("mrm.health.targets[1].dns.domain", () -> "shop.example.com");
        registry.add(
                "mrm.health.targets[1].dns.resolver",
                () -> "127.0.0.1:" + DNS.address().getPort());
        registry.add("mrm.health.targets[1].dns.answers.region-a", () -> "shop.region-a.example.net");
        registry.add("mrm.health.targets[1].dns.answers.region-b", () -> "shop.region-b.example.net");
        target(registry, 2, "aem", "aem-semp");
        registry.add("mrm.health.targets[2].semp.url", () -> SEMP.baseUrl().toString());
        registry.add("mrm.health.targets[2].semp.vpn", () -> "shop");
        registry.add("mrm.health.targets[2].semp.username", () -> "mrm-monitor");
        registry.add(
                "mrm.health.targets[2].semp.password.file",
                () -> SECRETS.resolve("semp").toString());
        target(registry, 3, "closed-port", "tcp");
        registry.add("mrm.health.targets[3].tcp.host", () -> "127.0.0.1");
        registry.add("mrm.health.targets[3].tcp.port", () -> CLOSED_PORT);
        target(registry, 4, "aem-messaging", "aem-messaging");
        registry.add("mrm.health.targets[4].jcsmp.host", () -> "tcp://127.0.0.1:" + CLOSED_PORT);
        registry.add("mrm.health.targets[4].jcsmp.vpn", () -> "shop");
        registry.add("mrm.health.targets[4].jcsmp.username", () -> "mrm-probe");
        registry.add(
                "mrm.health.targets[4].jcsmp.password.file",
                () -> SECRETS.resolve("jcsmp").toString());
        registry.add("mrm.health.targets[4].jcsmp.topic", () -> "mrm/probe/vantage-it");
        registry.add("mrm.health.targets[4].jcsmp.queue", () -> "mrm-probe-vantage-it");
        registry.add("mrm.health.targets[4].jcsmp.max-round-trip", () -> "200ms");
        registry.add("mrm.health.alerts.enabled", () -> "true");
        registry.add(
                "mrm.health.alerts.token.file",
                () -> SECRETS.resolve("alert-token").toString());
        registry.add("mrm.health.alerts.rules[0].alert-name", () -> "ShopRegionDown");
        registry.add("mrm.health.alerts.rules[0].application-id", () -> "shop");
        registry.add("mrm.health.alerts.rules[0].region", () -> "region-a");
    }

    private static void target(DynamicPropertyRegistry registry, int i, String component, String type) {
        String key = "mrm.health.targets[" + i + "].";
        registry.add(key + "application-id", () -> "shop");
        registry.add(key + "region", () -> "region-a");
        registry.add(key + "component", () -> component);
        registry.add(key + "type", () -> type);
        // generous, so that a busy machine cannot turn an answer (or a refusal) into a timeout
        registry.add(key + "connect-timeout", () -> "10s");
        registry.add(key + "read-timeout", () -> "10s");
    }

    @AfterAll
    static void stopAll() throws IOException {
        OPEN_PORT.close();
        DNS.close();
        SEMP.close();
        KAFKA.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    ProbeScheduler scheduler;

    @Test
    void everyProbeKindAndTheAlertWebhookReachTheObservationsTopic() throws Exception {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.OBSERVATIONS))) {
            Duration bound = Duration.ofSeconds(60);
            HealthObservation tcp =
                    recorder.await(HealthObservation.class, o -> o.component().equals("db-port"), bound);
            HealthObservation dns =
                    recorder.await(HealthObservation.class, o -> o.component().equals("dns"), bound);
            HealthObservation aem =
                    recorder.await(HealthObservation.class, o -> o.component().equals("aem"), bound);
            HealthObservation closed =
                    recorder.await(HealthObservation.class, o -> o.component().equals("closed-port"), bound);
            HealthObservation messaging =
                    recorder.await(HealthObservation.class, o -> o.component().equals("aem-messaging"), bound);

            assertThat(tcp.probe()).isEqualTo(ProbeKind.TCP);
            assertThat(tcp.status()).isEqualTo(HealthStatus.UP);
            assertThat(dns.probe()).isEqualTo(ProbeKind.DNS);
            assertThat(dns.status()).isEqualTo(HealthStatus.UP);
            assertThat(dns.detail()).isEqualTo("answers from region-b (CNAME shop.region-b.example.net.)");
            assertThat(aem.probe()).isEqualTo(ProbeKind.AEM_SEMP);
            assertThat(aem.status()).isEqualTo(HealthStatus.UP);
            assertThat(aem.detail()).startsWith("message VPN shop up; replication role active, bridge up");
            assertThat(closed.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(closed.detail())
                    .isEqualTo("cannot connect to 127.0.0.1:" + CLOSED_PORT + ": connection refused");
            assertThat(messaging.probe()).isEqualTo(ProbeKind.AEM_MESSAGING);
            assertThat(messaging.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(messaging.detail())
                    .isEqualTo("cannot connect to tcp://127.0.0.1:" + CLOSED_PORT + ": connection refused");

            HttpClient http = HttpClient.newHttpClient();
            String alert = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
                    + "\"labels\":{\"alertname\":\"ShopRegionDown\"},\"annotations\":{\"summary\":\"5xx\"}}]}";
            HttpResponse<String> refused = http.send(webhook(alert).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> accepted = http.send(
                    webhook(alert).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            HealthObservation fromAlert =
                    recorder.await(HealthObservation.class, o -> o.probe() == ProbeKind.ALERT_WEBHOOK, bound);
            assertThat(fromAlert.vantage()).isEqualTo("alertmanager");
            assertThat(fromAlert.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(fromAlert.detail()).isEqualTo("alertmanager alert ShopRegionDown firing: 5xx");
            // the one firing alert (the refused call added nothing); the intake republishes it on the probe
            // cadence while it fires, so there may be more reports of it by now — all the same, all DOWN
            assertThat(recorder.events(HealthObservation.class).stream()
                            .filter(o -> o.probe() == ProbeKind.ALERT_WEBHOOK))
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).isEqualTo(HealthStatus.DOWN))
                    .allSatisfy(o -> assertThat(o.detail()).isEqualTo("alertmanager alert ShopRegionDown firing: 5xx"));
            assertThat(recorder.records())
                    .allSatisfy(r -> assertThat(r.rejection()).isNull());
            assertThat(recorder.events(HealthObservation.class))
                    .allSatisfy(o -> assertThat(o.vantageRegion()).isEqualTo("control"));
            // probes and the webhook number the application's observations from one counter of one run
            List<HealthObservation> shop = recorder.events(HealthObservation.class).stream()
                    .filter(o -> o.applicationId().equals("shop"))
                    .toList();
            assertThat(shop).extracting(HealthObservation::monitorRun).containsOnly(tcp.monitorRun());
            assertThat(shop)
                    .extracting(HealthObservation::sequence)
                    .doesNotContainNull()
                    .isSorted()
                    .doesNotHaveDuplicates();
            assertThat(fromAlert.sequence()).isGreaterThan(tcp.sequence());
        } finally {
            // before the broker goes away in @AfterAll, so that closing the producer has nothing left to send
            scheduler.stop();
        }
    }

    private HttpRequest.Builder webhook(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts/alertmanager"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static ServerSocket openPort() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DnsjavaLoopbackDnsServer dns() {
        try {
            DnsjavaLoopbackDnsServer server = new DnsjavaLoopbackDnsServer();
            server.cname("shop.example.com", "shop.region-b.example.net", "192.0.2.2");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Region A's broker: VPN {@code shop} active, its replication mate elsewhere and up, no backlog. */
    private static SempV2Fake semp() {
        try {
            return new SempV2Fake("mrm-monitor", "semp-pw").vpn("shop", "active");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path secrets() {
        try {
            Path dir = Files.createTempDirectory("mrm-secrets");
            Files.writeString(dir.resolve("semp"), "semp-pw\n");
            Files.writeString(dir.resolve("jcsmp"), "jcsmp-pw\n");
            Files.writeString(dir.resolve("alert-token"), TOKEN + "\n");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
