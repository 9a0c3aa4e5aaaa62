package io.mrm.aem;

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
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.sempfake.SempV2Fake;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * The service as deployed, on a real in-process Kafka broker with bus authentication required, against a
 * replicated pair of {@link SempV2Fake} brokers serving two applications: it checks readiness on its own
 * and publishes, per application, a {@link ReadinessReport} signed with aem-sync's key that the engine's
 * {@link InboundDecoder} (trusting that key and no other) accepts, while the brokers see reads only.
 */
@SpringBootTest(
        classes = AemSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=aem-sync",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=aemready.",
            "mrm.kafka.partitions=1",
            "mrm.service.instance=aem-sync-readiness-it",
            "mrm.readiness.interval=5s",
            "mrm.readiness.timeout=5s"
        })
class AemSyncReadinessIT {

    static final String PASSWORD = "readiness-it-semp-password";
    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("aemready.");
    static final SempV2Fake SITE_A = startSite(null);
    static final SempV2Fake SITE_B = startSite(SITE_A);
    static final Path PASSWORD_FILE = passwordFile();
    static final BusKeyring KEYS = keyring();

    static {
        for (String app : List.of("shop", "cart")) {
            SITE_A.vpn(app + "-a", "active");
            SITE_B.vpn(app + "-b", "standby");
            SITE_A.replicate(app + "-a", SITE_B, app + "-b");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        for (String app : List.of("shop", "cart")) {
            for (String site : List.of("a", "b")) {
                String region = "mrm.aem.applications." + app + ".regions.region-" + site + ".";
                SempV2Fake fake = site.equals("a") ? SITE_A : SITE_B;
                registry.add(region + "semp-url", () -> fake.baseUrl().toString());
                registry.add(region + "vpn", () -> app + "-" + site);
                registry.add(region + "username", () -> "mrm");
                registry.add(region + "password.file", PASSWORD_FILE::toString);
            }
        }
        // a list binds from one property source: all of the bus settings are here
        KEYS.properties("aem-sync", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() {
        SITE_A.close();
        SITE_B.close();
        KAFKA.close();
    }

    @Test
    void publishesASignedReadinessReportPerApplicationThatTheEngineAccepts() {
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
        Map<String, ReadinessReport> ready = new ConcurrentHashMap<>();
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
            consumer.subscribe(List.of(NAMES.of(Topics.READINESS_REPORTS)));
            // reports repeat every interval: a round slowed by a busy machine is followed by another
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = engineSide.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    assertThat(decoded)
                            .as("every report on the topic is signed by aem-sync")
                            .isInstanceOf(Decoded.Accepted.class);
                    ReadinessReport report = (ReadinessReport) ((Decoded.Accepted) decoded).event();
                    assertThat(report.actuator()).isEqualTo(Actuator.AEM);
                    assertThat(new String(r.key())).isEqualTo(report.applicationId());
                    if (report.checks().stream().allMatch(c -> c.status() == ReadinessStatus.READY)) {
                        ready.put(report.applicationId(), report);
                    }
                }
                return ready.keySet().equals(Set.of("shop", "cart"));
            });
        }
        assertThat(ready.get("shop").checks())
                .extracting(c -> c.region() + "/" + c.action() + "/" + c.check())
                .contains(
                        "region-a/EVENTS_SET_STANDBY/role-access",
                        "region-a/EVENTS_DRAIN/replication-bridge",
                        "region-b/EVENTS_SET_ACTIVE/replication",
                        "region-b/EVENTS_VERIFY/vpn-state");
        assertThat(SITE_A.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(SITE_B.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(SITE_A.roleChanges()).isEmpty();
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
            return new BusKeyring(Files.createTempDirectory("aem-sync-readiness-bus-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
