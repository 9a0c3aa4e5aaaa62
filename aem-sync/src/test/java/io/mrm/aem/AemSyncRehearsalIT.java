package io.mrm.aem;

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
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.sempfake.SempV2Fake;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * The service as deployed, on a real in-process Kafka broker with bus authentication required, against a
 * replicated pair of {@link SempV2Fake} brokers: a drill's set-active command, signed by the engine, is
 * answered with an ack signed by aem-sync that says what the step would have done, and the brokers saw
 * reads only (no role change, no fence-mark queue).
 */
@SpringBootTest(
        classes = AemSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=aem-sync",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=aemdrill.",
            "mrm.kafka.partitions=1",
            "mrm.service.instance=aem-sync-drill-it",
            // bounds for a saturated machine, not expectations
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s"
        })
class AemSyncRehearsalIT {

    static final String PASSWORD = "drill-it-semp-password";
    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("aemdrill.");
    static final SempV2Fake SITE_A = startSite(null);
    static final SempV2Fake SITE_B = startSite(SITE_A);
    static final Path PASSWORD_FILE = passwordFile();
    static final BusKeyring KEYS = keyring();

    static {
        SITE_A.vpn("shop-a", "active");
        SITE_B.vpn("shop-b", "standby");
        SITE_A.replicate("shop-a", SITE_B, "shop-b");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        for (String site : List.of("a", "b")) {
            String region = "mrm.aem.applications.shop.regions.region-" + site + ".";
            SempV2Fake fake = site.equals("a") ? SITE_A : SITE_B;
            registry.add(region + "semp-url", () -> fake.baseUrl().toString());
            registry.add(region + "vpn", () -> "shop-" + site);
            registry.add(region + "username", () -> "mrm");
            registry.add(region + "password.file", PASSWORD_FILE::toString);
        }
        KEYS.properties("aem-sync", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() {
        SITE_A.close();
        SITE_B.close();
        KAFKA.close();
    }

    @Test
    void aSignedRehearsalIsAnsweredWithASignedWouldSetActiveAndTheBrokersOnlyRead() throws Exception {
        int queueChangesBefore = SITE_A.queueChanges().size();
        EventCodec engine =
                new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), KEYS.signingAs(BusSigner.ENGINE));
        Instant now = Instant.now();
        EventsSetRoleCommand rehearsal = new EventsSetRoleCommand(
                "c-drill-active",
                "shop",
                now,
                1,
                new StepRef("d-drill", 7, 3, 1, now.plusSeconds(120), true),
                "region-b",
                ReplicationRole.ACTIVE);
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

        CommandAck ack = awaitSignedAck("c-drill-active");

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.step().rehearsing()).isTrue();
        assertThat(ack.detail()).startsWith("would set VPN shop-b").contains("active under epoch 7");
        assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
        assertThat(SITE_A.requests()).allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(SITE_B.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(SITE_A.roleChanges()).isEmpty();
        assertThat(SITE_A.queueChanges()).hasSize(queueChangesBefore);
        assertThat(SITE_B.role("shop-b")).isEqualTo("standby");
    }

    /** Reads the acks topic as the engine does (aem-sync's key trusted, nothing else): every ack must verify. */
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
                                "aem-sync-1",
                                BusSigner.AEM_SYNC,
                                KEYS.pair(BusSigner.AEM_SYNC).getPublic())),
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
                    assertThat(decoded).as("every ack is signed by aem-sync").isInstanceOf(Decoded.Accepted.class);
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

    private static SempV2Fake startSite(SempV2Fake mate) {
        try {
            return mate == null ? new SempV2Fake("mrm", PASSWORD) : new SempV2Fake("mrm", PASSWORD, mate);
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

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("aem-sync-drill-bus-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
