package io.mrm.aem;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmService;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.Actuator;
import io.mrm.kafka.EventPublisher;
import io.mrm.sempfake.SempV2Fake;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The service as deployed, on a real in-process Kafka broker, against {@link SempV2Fake}: a set-role
 * command on the events command topic leads to the role change on the broker and an acknowledgement
 * on the acks topic; a command it cannot execute is answered too, and the service carries on.
 */
@SpringBootTest(
        classes = AemSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=aem-sync",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=aemtest.",
            "mrm.kafka.partitions=1",
            "mrm.service.instance=aem-sync-it",
            "mrm.aem.poll-interval=20ms"
        })
class AemSyncListenerFakeIT {

    static final String PASSWORD = "it-semp-password";
    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("aemtest.");
    static final SempV2Fake SEMP = startFake();
    static final Path PASSWORD_FILE = passwordFile();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        String region = "mrm.aem.applications.shop.regions.region-b.";
        registry.add(region + "semp-url", () -> SEMP.baseUrl().toString());
        registry.add(region + "vpn", () -> "shop-b");
        registry.add(region + "username", () -> "mrm");
        registry.add(region + "password.file", PASSWORD_FILE::toString);
    }

    @AfterAll
    static void stopAll() {
        SEMP.close();
        KAFKA.close();
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
    void aSetRoleCommandOnTheTopicChangesTheRoleAndIsAcknowledgedOnTheAcksTopic() {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.COMMAND_ACKS))) {
            EventsSetRoleCommand unknownRegion = command("c-unknown", "region-x", ReplicationRole.ACTIVE);
            EventsSetRoleCommand activate = command("c-activate", "region-b", ReplicationRole.ACTIVE);

            engine().publishAndWait(unknownRegion);
            engine().publishAndWait(activate);

            CommandAck refused =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-unknown"), Duration.ofSeconds(30));
            CommandAck done =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-activate"), Duration.ofSeconds(30));
            assertThat(refused.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
            assertThat(refused.errorCode()).isEqualTo("NOT_CONFIGURED");
            assertThat(done.outcome()).as(done.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(done.actuator()).isEqualTo(Actuator.AEM);
            assertThat(done.step()).isEqualTo(activate.step());
            assertThat(done.observed())
                    .containsEntry("role", "ACTIVE")
                    .containsEntry("changed", "true")
                    .containsEntry("vpn", "shop-b");
            assertThat(SEMP.role("shop-b")).isEqualTo("active");
            assertThat(SEMP.roleChanges())
                    .singleElement()
                    .satisfies(change -> assertThat(change.user()).isEqualTo("mrm"));
        }
    }

    static EventsSetRoleCommand command(String id, String region, ReplicationRole role) {
        return new EventsSetRoleCommand(
                id,
                "shop",
                Instant.now(),
                1,
                new StepRef("d-1", 1, 0, 1, Instant.now().plusSeconds(60)),
                region,
                role);
    }

    private static SempV2Fake startFake() {
        try {
            return new SempV2Fake("mrm", PASSWORD).vpn("shop-b", "standby");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path passwordFile() {
        try {
            Path file = Files.createTempFile(
                    "semp-password",
                    ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, PASSWORD + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
