package io.mrm.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.publish.KafkaObservationSink;
import io.mrm.health.domain.MonitorRun;
import io.mrm.kafka.EventPublisher;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Many threads publish observations of the same applications at once (as the probe scheduler's publisher and the
 * alert webhook's request threads do, each through a sink on the monitor's one run), through the monitor's output
 * binding, with bus authentication on: the topic holds each application's observations in the order of their
 * numbers, 1 to the last without a gap, every one authenticated with the vantage's secret.
 */
@SpringBootTest(
        classes = HealthMonitorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=health-monitor",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hmthreads.",
            "mrm.kafka.partitions=3",
            "mrm.health.vantage=vantage-1"
        })
class ObservationsFromManyThreadsIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hmthreads.");
    static final BusKeyring KEYS = keyring();
    static final List<String> APPLICATIONS = List.of("orders", "billing", "search");
    static final int THREADS = 8;
    static final int EACH = 45;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        // a list binds from one property source: all of the bus settings are here
        KEYS.properties("health-monitor", "vantage-1").forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @Autowired
    EventPublisher publisher;

    @Autowired
    MonitorRun run;

    @Test
    void eachApplicationsObservationsAreStoredSignedInTheirNumbersOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<List<CompletableFuture<?>>>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(pool.submit(() -> {
                    KafkaObservationSink sink = new KafkaObservationSink(publisher, run);
                    List<CompletableFuture<?>> sent = new ArrayList<>();
                    go.await();
                    for (int i = 0; i < EACH; i++) {
                        String application = APPLICATIONS.get((thread + i) % APPLICATIONS.size());
                        sent.add(sink.publish(observation(application)).toCompletableFuture());
                    }
                    return sent;
                }));
            }
            go.countDown();
            for (Future<List<CompletableFuture<?>>> thread : threads) {
                for (CompletableFuture<?> sent : thread.get(180, TimeUnit.SECONDS)) {
                    sent.get(120, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, List<Long>> stored = readAll();
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(APPLICATIONS);
        long total = 0;
        for (String application : APPLICATIONS) {
            List<Long> numbers = stored.get(application);
            List<Long> expected = new ArrayList<>();
            for (long n = 1; n <= numbers.size(); n++) {
                expected.add(n);
            }
            assertThat(numbers)
                    .as(application + "'s numbers in the topic's order")
                    .containsExactlyElementsOf(expected);
            assertThat((long) numbers.size()).isEqualTo(run.handedOver(application));
            total += numbers.size();
        }
        assertThat(total).isEqualTo((long) THREADS * EACH);
    }

    /** Every observation on the topic, authenticated, by application in the topic's order. */
    private Map<String, List<Long>> readAll() {
        InboundDecoder decoder = new InboundDecoder(
                NAMES,
                "observations-reader",
                new InboundLimits(Duration.ofDays(1), Duration.ofDays(1)),
                Clock.systemUTC(),
                KEYS.speakingFor("vantage-1"));
        Map<String, List<Long>> byApplication = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(NAMES.of(Topics.OBSERVATIONS)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Awaitility.await("the observations topic read to its end")
                    .atMost(Duration.ofSeconds(120))
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            Decoded decoded = decoder.decode(new RawRecord(
                                    r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                            assertThat(decoded)
                                    .as("authenticated: " + new String(r.value(), StandardCharsets.UTF_8))
                                    .isInstanceOf(Decoded.Accepted.class);
                            HealthObservation o = (HealthObservation) ((Decoded.Accepted) decoded).event();
                            assertThat(o.monitorRun()).isEqualTo(run.id());
                            byApplication
                                    .computeIfAbsent(o.applicationId(), a -> new ArrayList<>())
                                    .add(o.sequence());
                        }
                        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    });
        }
        return byApplication;
    }

    private static HealthObservation observation(String application) {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                application,
                Instant.now(),
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-1",
                HealthStatus.UP,
                3L,
                "HTTP 200",
                null);
    }

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("monitor-bus-keys"), "it-env", List.of("vantage-1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
