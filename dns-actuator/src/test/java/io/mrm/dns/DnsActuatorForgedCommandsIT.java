package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.Route53ApiFakeAccess;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The attack "a forged command blocks failover forever", on the service as deployed (bus
 * authentication required, a real broker, the Route 53 fake): whoever can write to the commands
 * topic sends a route command with epoch 2^63-1. It is dead-lettered as unauthenticated, the zone
 * and its fencing token stay as they were, and the engine's next command, signed, switches and is
 * acknowledged with the actuator's own signature.
 */
@SpringBootTest(
        classes = DnsActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=dns-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=dnsforged.",
            "mrm.kafka.partitions=1",
            "mrm.dns.router=ROUTE53",
            "mrm.dns.poll-interval=10ms",
            "mrm.dns.route53.applications.orders.hosted-zone-id=Z0FAKE0000000002",
            "mrm.dns.route53.applications.orders.record-name=orders.example.com",
            "mrm.dns.route53.applications.orders.targets.eu10.value=orders-eu10.example.net",
            "mrm.dns.route53.applications.orders.targets.us10.value=orders-us10.example.net"
        })
class DnsActuatorForgedCommandsIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("dnsforged.");
    static final Route53ApiFakeAccess ROUTE53 =
            Route53ApiFakeAccess.start("Z0FAKE0000000002", "orders.example.com", "orders-eu10.example.net");
    /** The deployment's keys: the actuator holds its own and trusts the engine's, as in production. */
    static final BusKeyring KEYS = keyring();

    static final KeyPair INTRUDER = OperatorKeys.generate();

    static {
        System.setProperty("aws.accessKeyId", "AKIAFAKEFORTESTS");
        System.setProperty("aws.secretAccessKey", "fake-secret-for-tests");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.dns.route53.endpoint", ROUTE53::endpoint);
        // a list binds from one property source: all of the bus settings are here
        KEYS.properties("dns-actuator", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() throws IOException {
        ROUTE53.close();
        KAFKA.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void aForgedCommandWithTheHighestEpochDoesNotBlockTheEnginesNextCommand() {
        EventCodec unsigned = new EventCodec(NAMES, URI.create("/mrm/intruder/1"));
        // names the engine's key id, signs with a key of its own
        EventCodec intruder = new EventCodec(
                NAMES,
                URI.create("/mrm/intruder/1"),
                RecordAuthenticator.required(
                        KEYS.environment(),
                        Optional.of(new SigningKey(
                                KEYS.signingKey(BusSigner.ENGINE).id(), BusSigner.ENGINE, INTRUDER.getPrivate())),
                        List.of(),
                        List.of()));
        EventCodec engine =
                new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), KEYS.signingAs(BusSigner.ENGINE));
        try (TopicRecorder recorder = new TopicRecorder(
                        KAFKA.bootstrapServers(), NAMES, List.of(Topics.COMMAND_ACKS, Topics.DEAD_LETTERS));
                KafkaProducer<String, byte[]> producer = producer()) {
            Instant now = Instant.now();
            send(producer, unsigned.toRecord(route("c-forged-1", Long.MAX_VALUE, now)));
            send(producer, intruder.toRecord(route("c-forged-2", Long.MAX_VALUE, now)));

            for (String forged : List.of("c-forged-1", "c-forged-2")) {
                DeadLetter deadLetter = recorder.await(
                        DeadLetter.class,
                        d -> d.category() == DeadLetterReason.UNAUTHENTICATED
                                && new String(
                                                java.util.Base64.getDecoder().decode(d.valueBase64()),
                                                StandardCharsets.UTF_8)
                                        .contains(forged),
                        Duration.ofSeconds(60));
                assertThat(deadLetter.consumer()).isEqualTo("dns-actuator");
            }
            assertThat(ROUTE53.cname("orders.example.com")).isEqualTo("orders-eu10.example.net");
            assertThat(ROUTE53.txt("_mrm-epoch.orders.example.com"))
                    .as("no fence stored by a forged command")
                    .isNull();
            assertThat(recorder.events(CommandAck.class))
                    .as("a forged command is never executed nor answered")
                    .noneMatch(a -> a.commandId().startsWith("c-forged"));

            send(producer, engine.toRecord(route("c-engine-1", 5, Instant.now())));
            CommandAck ack =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-engine-1"), Duration.ofSeconds(60));
            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(ROUTE53.cname("orders.example.com")).isEqualTo("orders-us10.example.net");
            assertThat(ROUTE53.txt("_mrm-epoch.orders.example.com")).isEqualTo("\"epoch=5\"");
        }
        EngineSideAcks.assertSignedAckArrives(KAFKA.bootstrapServers(), NAMES, KEYS, "c-engine-1");
    }

    private static DnsRouteCommand route(String id, long epoch, Instant now) {
        return new DnsRouteCommand(
                id,
                "orders",
                now,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-forged-it", epoch, 0, 1, now.plusSeconds(60)),
                "us10");
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("dns-actuator-bus-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
