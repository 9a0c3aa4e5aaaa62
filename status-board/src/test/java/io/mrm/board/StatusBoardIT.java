package io.mrm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The board against a real in-process broker: it shows what the topics hold, streams each change to a listening
 * client as it is published, answers only GET, and checks what it is asked for.
 */
class StatusBoardIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static InProcessKafka kafka;
    static ConfigurableApplicationContext board;
    static KafkaProducer<String, byte[]> producer;
    static final EventCodec CODEC = new EventCodec(TopicNames.defaults(), URI.create("/mrm/test/engine"));
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static String base;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        board = MrmApplication.builder(StatusBoardApplication.class, StatusBoardApplication.SERVICE)
                .run(
                        "--spring.profiles.active=local",
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--mrm.kafka.partitions=3",
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--mrm.board.heartbeat=300ms");
        base = "http://127.0.0.1:"
                + ((WebServerApplicationContext) board).getWebServer().getPort();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (board != null) {
            board.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void showsEachApplicationAndStreamsEveryChangeAsItIsPublished() throws Exception {
        publish(topology(0, "region-a"));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(get("/").body())
                        .contains("id=\"app-orders\"")
                        .contains("<span class=\"region active-region\">region-a</span>"));
        await().atMost(WAIT).until(() -> get("/actuator/health/readiness").statusCode() == 200);

        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        HttpResponse<Stream<String>> stream = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/events"))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> stream.body().forEach(lines::add), "sse-reader");
        reader.setDaemon(true);
        reader.start();

        // on connecting: the current card at once, then heartbeats
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.equals("event:application")));
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.equals("event:heartbeat")));

        publish(topology(1, "region-b"));
        publish(new Alert(
                "a-1",
                "orders",
                Instant.now(),
                1,
                AlertSeverity.WARNING,
                "FAILOVER_STARTED",
                "<b>region-a</b> is down",
                null,
                null));

        await().atMost(WAIT)
                .until(() -> lines.stream()
                        .anyMatch(l -> l.startsWith("data:") && l.contains("active-region\\\">region-b")));
        await().atMost(WAIT)
                .until(() -> lines.stream()
                        .anyMatch(l -> l.startsWith("data:") && l.contains("&lt;b&gt;region-a&lt;/b&gt; is down")));
        assertThat(get("/").body()).contains("<span class=\"epoch\">1</span>").contains("FAILOVER_STARTED");
        stream.body().close();
    }

    @Test
    void shuttingDownEndsEveryLivePageInsteadOfWaitingForIt() throws Exception {
        // a board whose graceful shutdown would wait ten minutes for open responses
        ConfigurableApplicationContext second = MrmApplication.builder(
                        StatusBoardApplication.class, StatusBoardApplication.SERVICE)
                .run(
                        "--spring.profiles.active=local",
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--mrm.kafka.partitions=3",
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--spring.lifecycle.timeout-per-shutdown-phase=10m");
        int port = ((WebServerApplicationContext) second).getWebServer().getPort();
        HttpResponse<Stream<String>> stream = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread closing = new Thread(second::close, "closing-second-board");

        closing.start();

        java.util.concurrent.CompletableFuture<Long> ended = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stream.body().count());
        await().atMost(WAIT).until(() -> !closing.isAlive() && ended.isDone());
    }

    @Test
    void answersOnlyGetRequests() throws Exception {
        for (String path : List.of("/", "/events", "/applications/orders/audit")) {
            HttpResponse<String> post = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("POST " + path).isEqualTo(405);
        }
    }

    @Test
    void refusesAnAuditOfAnInvalidApplicationOrRange() throws Exception {
        assertThat(get("/applications/Not%20An%20App/audit").statusCode()).isEqualTo(400);
        assertThat(get("/applications/orders/audit?hours=0").statusCode()).isEqualTo(400);
        assertThat(get("/applications/orders/audit?hours=-1").statusCode()).isEqualTo(400);
        assertThat(get("/applications/orders/audit?hours=abc").statusCode()).isEqualTo(400);
        assertThat(get("/applications/orders/audit?hours=100000").statusCode()).isEqualTo(400);
        HttpResponse<String> refused = get("/applications/orders/audit?hours=%3Cscript%3E");
        assertThat(refused.body()).doesNotContain("<script>");
    }

    @Test
    void servesTheAuditOfAnApplicationFromTheTopics() throws Exception {
        publish(topology(0, "region-a"));
        HttpResponse<String> audit = get("/applications/orders/audit?hours=2");

        assertThat(audit.statusCode()).isEqualTo(200);
        assertThat(audit.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(p -> assertThat(p).contains("default-src 'none'"));
        assertThat(audit.body()).contains("<title>MRM audit of orders</title>");
    }

    @Test
    void thePageCarriesAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(
                        p -> assertThat(p).contains("script-src 'self'").doesNotContain("unsafe"));
        assertThat(get("/board.js").body()).contains("new EventSource(\"events\")");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void publish(io.mrm.events.MrmEvent event) throws Exception {
        producer.send(CODEC.toRecord(event)).get();
    }

    private static TopologyState topology(long epoch, String active) {
        List<VantageHealth> up =
                List.of(new VantageHealth("vantage-1", SeenHealth.UP), new VantageHealth("vantage-2", SeenHealth.UP));
        return new TopologyState(
                "t-" + epoch + "-" + System.nanoTime(),
                "orders",
                Instant.now(),
                1,
                epoch,
                active,
                active.equals("region-a") ? "region-b" : "region-a",
                Phase.STEADY,
                false,
                null,
                null,
                List.of(),
                null,
                List.of(),
                null,
                List.of(),
                List.of(
                        new RegionHealthView("region-a", SeenHealth.UP, up),
                        new RegionHealthView("region-b", SeenHealth.UP, up)));
    }
}
