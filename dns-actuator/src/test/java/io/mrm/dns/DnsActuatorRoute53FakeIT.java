package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.dns.adapter.Route53ApiFakeAccess;
import io.mrm.events.MrmService;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.kafka.EventPublisher;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as deployed with {@code mrm.dns.router=ROUTE53}: its own wiring (default AWS credential
 * chain, settings from properties) on a real in-process broker, against the Route 53 fake. A route
 * command published on the commands topic comes back as a SUCCEEDED ack, and the zone holds the
 * switch and its fencing token.
 */
@SpringBootTest(
        classes = DnsActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=dns-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=dnsr53.",
            "mrm.kafka.partitions=1",
            "mrm.dns.router=ROUTE53",
            "mrm.dns.poll-interval=10ms",
            "mrm.dns.route53.applications.orders.hosted-zone-id=Z0FAKE0000000001",
            "mrm.dns.route53.applications.orders.record-name=orders.example.com",
            "mrm.dns.route53.applications.orders.targets.eu10.value=orders-eu10.example.net",
            "mrm.dns.route53.applications.orders.targets.us10.value=orders-us10.example.net"
        })
class DnsActuatorRoute53FakeIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("dnsr53.");
    static final Route53ApiFakeAccess ROUTE53 =
            Route53ApiFakeAccess.start("Z0FAKE0000000001", "orders.example.com", "orders-eu10.example.net");

    static {
        // the default credential chain reads these system properties; fake values for the fake
        System.setProperty("aws.accessKeyId", "AKIAFAKEFORTESTS");
        System.setProperty("aws.secretAccessKey", "fake-secret-for-tests");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.dns.route53.endpoint", ROUTE53::endpoint);
    }

    @AfterAll
    static void stopAll() {
        ROUTE53.close();
        KAFKA.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Autowired
    KafkaTemplate<String, byte[]> template;

    @Autowired
    MeterRegistry meters;

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
    void aRouteCommandOnTheTopicSwitchesTheZoneAndIsAcknowledged() {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.COMMAND_ACKS))) {
            Instant now = Instant.now();
            engine().publishAndWait(new DnsRouteCommand(
                    "c-r53-it-1", "orders", now, 1, new StepRef("d-it-1", 1, 0, 1, now.plusSeconds(60)), "us10"));

            CommandAck ack =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-r53-it-1"), Duration.ofSeconds(60));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(ack.observed()).containsEntry("region", "us10").containsEntry("fencingEpoch", "1");
            assertThat(ROUTE53.cname("orders.example.com")).isEqualTo("orders-us10.example.net");
            assertThat(ROUTE53.txt("_mrm-epoch.orders.example.com")).isEqualTo("\"epoch=1\"");
            // the command's timing names the backend this actuator is configured to drive
            Awaitility.await("the command's timer")
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(meters.get("mrm.command.duration")
                                    .tags("actuator", "dns", "action", "DNS_ROUTE", "backend", "route53")
                                    .tags("outcome", "SUCCEEDED", "rehearsal", "false")
                                    .timer()
                                    .count())
                            .isEqualTo(1));
        }
    }
}
