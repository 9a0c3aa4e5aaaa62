package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.LoopbackProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An actuator started while its Kafka cluster cannot be reached (a cluster restarting, a network not yet up)
 * starts, and once the cluster answers it binds its command input and runs the commands waiting for it. The
 * binder's lookup of the command topic fails while there is no broker; Spring Cloud Stream binds again every
 * {@code spring.cloud.stream.binding-retry-interval}.
 */
class DnsActuatorStartedBeforeKafkaIT {

    static final TopicNames NAMES = new TopicNames("dnslate.");

    @Test
    void anActuatorStartedBeforeItsBrokerRunsTheCommandsSentOnceTheBrokerIsUp() throws Exception {
        // the actuator's broker address answers only once the broker is there: before, connections are refused
        LoopbackProxy proxy = new LoopbackProxy();
        String bootstrap = proxy.address();
        try (proxy;
                ConfigurableApplicationContext actuator = MrmApplication.builder(
                                DnsActuatorApplication.class, DnsActuatorApplication.SERVICE)
                        .web(WebApplicationType.NONE)
                        .run(
                                "--spring.profiles.active=local",
                                "--spring.kafka.bootstrap-servers=" + bootstrap,
                                "--mrm.kafka.topic-prefix=dnslate.",
                                "--mrm.kafka.create-topics=false",
                                "--spring.kafka.admin.auto-create=false",
                                "--mrm.bus-auth.mode=off",
                                "--mrm.readiness.enabled=false",
                                "--spring.cloud.stream.binding-retry-interval=1")) {
            assertThat(actuator.isActive()).as("started without a broker").isTrue();
            HealthIndicator commandInput = actuator.getBean("commandInputHealthIndicator", HealthIndicator.class);
            assertThat(commandInput.health().getStatus())
                    .as("not ready while its command input is not bound")
                    .isEqualTo(Status.DOWN);

            try (InProcessKafka kafka =
                    InProcessKafka.start(Map.of("advertised.listeners", "EXTERNAL://" + proxy.address()))) {
                proxy.open(LoopbackProxy.addressOf(kafka.bootstrapServers()));
                createTopics(bootstrap);
                Instant now = Instant.now();
                DnsRouteCommand command = new DnsRouteCommand(
                        "c-late-" + UUID.randomUUID(),
                        "orders",
                        now,
                        DnsRouteCommand.SCHEMA_VERSION,
                        new StepRef("d-late", 3, 0, 1, now.plusSeconds(300)),
                        "us10");
                EventCodec engine =
                        new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), RecordAuthenticator.off());
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.send(engine.toRecord(command)).get();
                }

                assertThat(awaitAckOf(bootstrap, command.id()))
                        .as("the actuator's acknowledgement")
                        .contains("\"commandId\":\"" + command.id() + "\"");
                assertThat(commandInput.health().getStatus())
                        .as("its command input bound")
                        .isEqualTo(Status.UP);
            }
        }
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(NAMES.of(Topics.DNS_COMMANDS), 1, (short) 1),
                            new NewTopic(NAMES.of(Topics.COMMAND_ACKS), 1, (short) 1),
                            new NewTopic(NAMES.of(Topics.DEAD_LETTERS), 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    /** The first acknowledgement of {@code commandId} on the acks topic, as its JSON. */
    private static String awaitAckOf(String bootstrap, String commandId) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "late-it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(NAMES.of(Topics.COMMAND_ACKS)));
            String[] found = new String[1];
            // a bound for a saturated machine: the binding is retried every second once the broker is up
            Awaitility.await("the command's acknowledgement")
                    .atMost(Duration.ofSeconds(180))
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            String json = new String(record.value(), StandardCharsets.UTF_8);
                            if (json.contains(commandId)) {
                                found[0] = json;
                            }
                        }
                        return found[0] != null;
                    });
            return found[0];
        }
    }
}
