package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running service (backend POSTGRES_DEBEZIUM, bus authentication required) on a real in-process broker
 * and two real PostgreSQL servers publishes, per application, a {@link ReadinessReport} on
 * {@code readiness.reports} that the engine's {@link InboundDecoder} accepts with hana-sync's public key as
 * the only one it trusts: signed, valid, with checks of the four data steps towards both regions.
 */
@SpringBootTest(
        classes = HanaSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=hana-sync",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hanardy.",
            "mrm.kafka.partitions=1",
            "mrm.readiness.interval=5s",
            "mrm.readiness.timeout=5s",
            "mrm.data.backend=POSTGRES_DEBEZIUM",
            "mrm.data.postgres.applications.shop.initial-primary=region-a",
            "mrm.data.postgres.applications.shop.app-role=app",
            "mrm.data.postgres.applications.shop.tables=public.account,public.orders,public.audit",
            "mrm.data.postgres.applications.shop.regions.region-a.user=postgres",
            "mrm.data.postgres.applications.shop.regions.region-b.user=postgres"
        })
class HanaSyncPostgresReadinessIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hanardy.");
    static final TwoPostgresRegions REGIONS;
    static final Path PASSWORD;
    static final BusKeyring KEYS;

    static {
        try {
            REGIONS = new TwoPostgresRegions();
            PASSWORD = Files.createTempFile("pg-password", "");
            Files.writeString(PASSWORD, "unused-by-trust-auth\n");
            KEYS = new BusKeyring(Files.createTempDirectory("hana-sync-readiness-keys"), "it-env", List.of());
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
    void theServicePublishesASignedReadinessReportPerApplicationThatTheEngineAccepts() {
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
        AtomicReference<ReadinessReport> report = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "verify-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(NAMES.of(Topics.READINESS_REPORTS)));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = engineSide.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    assertThat(decoded)
                            .as("every report is signed by hana-sync and valid: %s", decoded)
                            .isInstanceOf(Decoded.Accepted.class);
                    report.set((ReadinessReport) ((Decoded.Accepted) decoded).event());
                }
                return report.get() != null;
            });
        }

        ReadinessReport shop = report.get();
        assertThat(shop.applicationId()).isEqualTo("shop");
        assertThat(shop.actuator()).isEqualTo(Actuator.HANA);
        assertThat(shop.intervalMs()).isEqualTo(5000);
        for (String region : List.of(A, B)) {
            assertThat(shop.checks())
                    .filteredOn(c -> c.region().equals(region))
                    .extracting(ReadinessCheck::action)
                    .contains(
                            StepAction.DATA_DRAIN,
                            StepAction.DATA_PROMOTE,
                            StepAction.DATA_FENCE,
                            StepAction.DATA_REPROTECT);
        }
    }
}
