package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running service (backend POSTGRES_DEBEZIUM, bus authentication required) on a real in-process broker
 * and two real PostgreSQL servers: a drill's promote, signed by the engine, is answered with an ack signed by
 * hana-sync that says what the promote would have done, and neither database's fencing row moved.
 */
@SpringBootTest(
        classes = HanaSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=hana-sync",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hanadrill.",
            "mrm.kafka.partitions=1",
            // bounds for a saturated machine, not expectations
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s",
            "mrm.data.backend=POSTGRES_DEBEZIUM",
            "mrm.data.postgres.applications.shop.initial-primary=region-a",
            "mrm.data.postgres.applications.shop.app-role=app",
            "mrm.data.postgres.applications.shop.tables=public.account,public.orders,public.audit",
            "mrm.data.postgres.applications.shop.regions.region-a.user=postgres",
            "mrm.data.postgres.applications.shop.regions.region-b.user=postgres"
        })
class HanaSyncRehearsalIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hanadrill.");
    static final TwoPostgresRegions REGIONS;
    static final Path PASSWORD;
    static final BusKeyring KEYS;

    static {
        try {
            REGIONS = new TwoPostgresRegions();
            PASSWORD = Files.createTempFile("pg-password", "");
            Files.writeString(PASSWORD, "unused-by-trust-auth\n");
            KEYS = new BusKeyring(Files.createTempDirectory("hana-sync-drill-keys"), "it-env", List.of());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        for (String region : List.of(A, B)) {
            String key = "mrm.data.postgres.applications.shop.regions." + region;
            registry.add(key + ".jdbc-url", () -> REGIONS.url(region));
            registry.add(key + ".password.file", PASSWORD::toString);
        }
        KEYS.properties("hana-sync", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() throws Exception {
        KAFKA.close();
        REGIONS.close();
    }

    @Test
    void aSignedRehearsedPromoteIsAnsweredWithASignedWouldPromoteAndNothingIsFenced() throws Exception {
        EventCodec engine =
                new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), KEYS.signingAs(BusSigner.ENGINE));
        Instant now = Instant.now();
        DataPromoteCommand rehearsal = new DataPromoteCommand(
                "c-drill-promote", "shop", now, 1, new StepRef("d-drill", 7, 3, 1, now.plusSeconds(120), true), B);
        // the capture starts once the service owns the partition; the drain-side checks need it reading its slot
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(HanaSyncRehearsalIT::slotActive);
        List<String> fencingBefore = fencing();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(engine.toRecord(rehearsal)).get();
        }

        CommandAck ack = awaitSignedAck("c-drill-promote");

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.step().rehearsing()).isTrue();
        assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
        assertThat(ack.detail()).startsWith("would promote region-b under epoch 7");
        assertThat(fencing()).as("no fencing row moved").isEqualTo(fencingBefore);
    }

    private static boolean slotActive() throws Exception {
        try (Connection c = REGIONS.admin(A);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'mrm_shop_to_region_b' AND active")) {
            return rs.next();
        }
    }

    private static List<String> fencing() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String region : List.of(A, B)) {
            try (Connection c = REGIONS.admin(region);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT to_regclass('mrm.fencing') IS NULL")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    rows.add(region + " no fencing table");
                    continue;
                }
            }
            try (Connection c = REGIONS.admin(region);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT f::text FROM mrm.fencing f ORDER BY 1")) {
                while (rs.next()) {
                    rows.add(region + " " + rs.getString(1));
                }
            }
        }
        return rows;
    }

    /** Reads the acks topic as the engine does (hana-sync's key trusted, nothing else): every ack must verify. */
    private static CommandAck awaitSignedAck(String commandId) {
        InboundDecoder engineSide = new InboundDecoder(
                NAMES,
                "decision-engine",
                InboundLimits.DEFAULTS,
                Clock.systemUTC(),
                RecordAuthenticator.required(
                        KEYS.environment(),
                        Optional.empty(),
                        List.of(new TrustedKey(
                                "hana-sync-1",
                                BusSigner.HANA_SYNC,
                                KEYS.pair(BusSigner.HANA_SYNC).getPublic())),
                        List.of()));
        AtomicReference<CommandAck> found = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "engine-side-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(NAMES.of(Topics.COMMAND_ACKS)));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = engineSide.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    assertThat(decoded).as("every ack is signed by hana-sync").isInstanceOf(Decoded.Accepted.class);
                    if (((Decoded.Accepted) decoded).event() instanceof CommandAck a
                            && a.commandId().equals(commandId)) {
                        found.set(a);
                        return true;
                    }
                }
                return false;
            });
        }
        return found.get();
    }
}
