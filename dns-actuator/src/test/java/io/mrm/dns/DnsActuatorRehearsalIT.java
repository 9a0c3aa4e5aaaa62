package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.Route53ApiFakeAccess;
import io.mrm.events.TopicNames;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as deployed (bus authentication required, a real in-process broker, the Route 53 fake): a
 * drill's route command, signed by the engine, is answered with a signed SUCCEEDED ack that says what the
 * switch would have done, and the zone keeps its record and has no fencing token.
 */
@SpringBootTest(
        classes = DnsActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=dns-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=dnsdrill.",
            "mrm.kafka.partitions=1",
            "mrm.dns.router=ROUTE53",
            "mrm.dns.route53.max-attempts=1",
            "mrm.dns.route53.applications.orders.hosted-zone-id=Z0FAKE0000000004",
            "mrm.dns.route53.applications.orders.record-name=orders.example.com",
            "mrm.dns.route53.applications.orders.targets.eu10.value=orders-eu10.example.net",
            "mrm.dns.route53.applications.orders.targets.us10.value=orders-us10.example.net",
            // a bound for a saturated machine, not an expectation
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s"
        })
class DnsActuatorRehearsalIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("dnsdrill.");
    static final Route53ApiFakeAccess ROUTE53 =
            Route53ApiFakeAccess.start("Z0FAKE0000000004", "orders.example.com", "orders-eu10.example.net");
    static final BusKeyring KEYS = keyring();

    static {
        System.setProperty("aws.accessKeyId", "AKIAFAKEFORTESTS");
        System.setProperty("aws.secretAccessKey", "fake-secret-for-tests");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.dns.route53.endpoint", ROUTE53::endpoint);
        KEYS.properties("dns-actuator", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() {
        ROUTE53.close();
        KAFKA.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void aSignedRehearsalIsAnsweredWithASignedWouldRouteAndTheZoneIsUnchanged() throws Exception {
        EventCodec engine =
                new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), KEYS.signingAs(BusSigner.ENGINE));
        Instant now = Instant.now();
        DnsRouteCommand rehearsal = new DnsRouteCommand(
                "c-drill-1",
                "orders",
                now,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-drill-it", 7, 4, 1, now.plusSeconds(120), true),
                "us10");
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(engine.toRecord(rehearsal)).get();
        }

        CommandAck ack = EngineSideAcks.awaitSignedAck(KAFKA.bootstrapServers(), NAMES, KEYS, "c-drill-1");

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.step().rehearsing()).isTrue();
        assertThat(ack.detail())
                .startsWith("would route orders from eu10 to us10")
                .contains("target for us10 is orders-us10.example.net, TTL ");
        assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
        assertThat(ack.observed()).containsKey("ms.hosted-zone");
        assertThat(ROUTE53.cname("orders.example.com")).isEqualTo("orders-eu10.example.net");
        assertThat(ROUTE53.txt("_mrm-epoch.orders.example.com"))
                .as("no fencing token")
                .isNull();
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

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("dns-actuator-drill-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
