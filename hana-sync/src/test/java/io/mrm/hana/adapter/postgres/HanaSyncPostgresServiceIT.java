package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmService;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.kafka.EventPublisher;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as deployed with {@code mrm.data.backend=POSTGRES_DEBEZIUM}: its own wiring and
 * settings on a real in-process broker and two real PostgreSQL servers. Drain and promote commands
 * published on the data command topic come back as SUCCEEDED acks with the status in them.
 */
@SpringBootTest(
        classes = HanaSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=hana-sync",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hanapg.",
            "mrm.kafka.partitions=1",
            "mrm.data.backend=POSTGRES_DEBEZIUM",
            "mrm.data.postgres.applications.shop.initial-primary=region-a",
            "mrm.data.postgres.applications.shop.app-role=app",
            "mrm.data.postgres.applications.shop.tables=public.account,public.orders,public.audit",
            "mrm.data.postgres.applications.shop.regions.region-a.user=postgres",
            "mrm.data.postgres.applications.shop.regions.region-b.user=postgres"
        })
class HanaSyncPostgresServiceIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hanapg.");
    static final TwoPostgresRegions REGIONS;
    static final Path PASSWORD;

    static {
        try {
            REGIONS = new TwoPostgresRegions();
            PASSWORD = Files.createTempFile("pg-password", "");
            Files.writeString(PASSWORD, "unused-by-trust-auth\n");
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
    }

    @AfterAll
    static void stopAll() throws Exception {
        KAFKA.close();
        REGIONS.close();
    }

    @Autowired
    KafkaTemplate<String, byte[]> template;

    /**
     * Publishes the commands as the engine does: the service's own publisher may write only the topics the
     * service writes (its acks), so it cannot stand in for the engine.
     */
    EventPublisher engine() {
        return new EventPublisher(
                template,
                new EventCodec(NAMES, URI.create("/mrm/decision-engine")).writtenBy(MrmService.DECISION_ENGINE),
                Duration.ofSeconds(30));
    }

    @Test
    void drainAndPromoteOnTheTopicSwitchTheDatabasesAndAreAcknowledged() throws Exception {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.COMMAND_ACKS))) {
            try (Connection a = REGIONS.app(A);
                    Statement s = a.createStatement()) {
                s.executeUpdate("UPDATE account SET owner = 'written on A' WHERE id = 7");
            }
            Instant now = Instant.now();
            engine().publishAndWait(new DataDrainCommand(
                    "c-pg-drain", "shop", now, 1, new StepRef("d-pg-1", 1, 0, 1, now.plusSeconds(30)), A, B));
            CommandAck drained =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-pg-drain"), Duration.ofSeconds(60));
            engine().publishAndWait(new DataPromoteCommand(
                    "c-pg-promote", "shop", now, 1, new StepRef("d-pg-1", 1, 1, 1, now.plusSeconds(30)), B));
            CommandAck promoted =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-pg-promote"), Duration.ofSeconds(60));

            assertThat(drained.outcome()).as(drained.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(drained.observed())
                    .containsEntry("direction", A + "->" + B)
                    .containsEntry("backlogUnit", "walBytes");
            assertThat(promoted.outcome()).as(promoted.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(promoted.observed())
                    .containsEntry("primary", B)
                    .containsEntry("fencingEpoch", "1")
                    .containsEntry("table.public.orders", "NOT_REPLICATING");
            try (Connection b = REGIONS.app(B);
                    Statement s = b.createStatement()) {
                assertThat(s.executeUpdate("UPDATE account SET owner = 'written on B' WHERE id = 7"))
                        .isEqualTo(1);
            }
            assertThat(REGIONS.contents(B)).anyMatch(row -> row.contains("written on B"));
        }
    }
}
