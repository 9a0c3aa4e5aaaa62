package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.Configuration;
import io.mrm.dns.adapter.LocalTls;
import io.mrm.dns.adapter.TrafficManagerFakeAccess;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The service as deployed with {@code mrm.dns.router=TRAFFIC_MANAGER}: its own wiring (DefaultAzureCredential
 * finding a client secret in the environment, the HTTP client, the retry policy, settings from properties)
 * on a real in-process broker with bus authentication required, the real Azure SDK against the ARM fake and
 * an Entra token fake, both over https (the SDK sends tokens only over https; the certificate is made for
 * the test and trusted through the JVM's trust store). The engine's signed route command comes back as a
 * SUCCEEDED ack signed by the actuator; the profile holds the switch and its epoch tag; ARM was called
 * only with the token Entra issued for Resource Manager's scope; and a throttled write was retried by the
 * production retry policy after ARM's Retry-After.
 */
@SpringBootTest(
        classes = DnsActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=dns-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=dnstm.",
            "mrm.kafka.partitions=1",
            "mrm.dns.router=TRAFFIC_MANAGER",
            "mrm.dns.poll-interval=10ms",
            "mrm.dns.traffic-manager.subscription-id=" + DnsActuatorTrafficManagerFakeIT.SUBSCRIPTION,
            "mrm.dns.traffic-manager.tenant-id=" + DnsActuatorTrafficManagerFakeIT.TENANT,
            "mrm.dns.traffic-manager.max-retries=2",
            "mrm.dns.traffic-manager.applications.orders.resource-group=rg-dns",
            "mrm.dns.traffic-manager.applications.orders.profile-name=orders-tm",
            "mrm.dns.traffic-manager.applications.orders.endpoints.eu10=orders-eu10",
            "mrm.dns.traffic-manager.applications.orders.endpoints.us10=orders-us10"
        })
class DnsActuatorTrafficManagerFakeIT {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000a1";
    static final String TENANT = "00000000-0000-0000-0000-0000000000b2";
    static final String CLIENT_ID = "00000000-0000-0000-0000-0000000000c3";
    static final String CLIENT_SECRET = "fake-secret-" + UUID.randomUUID();
    /** Environment variables EnvironmentCredential reads, set where azure-core reads them first. */
    static final List<String> AZURE_VARIABLES = List.of("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID");

    static final List<String> TRUST_PROPERTIES =
            List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType");

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("dnstm.");
    static final LocalTls TLS = LocalTls.create();
    static final TrafficManagerFakeAccess AZURE = TrafficManagerFakeAccess.https(
            TLS, TENANT, CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, "rg-dns", "orders-tm", "orders-eu10", "orders-us10");
    /** The deployment's keys: the actuator holds its own and trusts the engine's, as in production. */
    static final BusKeyring KEYS = keyring();

    static {
        // the SDK's HTTP client trusts what the JVM trusts: here, the test's certificate
        System.setProperty("javax.net.ssl.trustStore", TLS.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TLS.trustStorePassword());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        Configuration.getGlobalConfiguration()
                .put("AZURE_CLIENT_ID", CLIENT_ID)
                .put("AZURE_CLIENT_SECRET", CLIENT_SECRET)
                .put("AZURE_TENANT_ID", TENANT);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.dns.traffic-manager.resource-manager-endpoint", AZURE::resourceManagerEndpoint);
        registry.add("mrm.dns.traffic-manager.authority-host", AZURE::authorityHost);
        // a list binds from one property source: all of the bus settings are here
        KEYS.properties("dns-actuator", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() {
        AZURE.close();
        KAFKA.close();
        AZURE_VARIABLES.forEach(Configuration.getGlobalConfiguration()::remove);
        TRUST_PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void aSignedRouteCommandSwitchesTheProfileThroughTheProductionAzureWiringAndIsAcknowledgedSigned() {
        EventCodec engine =
                new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), KEYS.signingAs(BusSigner.ENGINE));
        // ARM throttles the first write: the service's retry policy must wait and retry it
        AZURE.throttle("PUT", 1, Duration.ofSeconds(1));
        try (TopicRecorder recorder = new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.COMMAND_ACKS));
                KafkaProducer<String, byte[]> producer = producer()) {
            Instant now = Instant.now();
            send(
                    producer,
                    engine.toRecord(new DnsRouteCommand(
                            "c-tm-it-1",
                            "orders",
                            now,
                            DnsRouteCommand.SCHEMA_VERSION,
                            new StepRef("d-tm-it-1", 3, 0, 1, now.plusSeconds(120)),
                            "us10")));

            CommandAck ack =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-tm-it-1"), Duration.ofSeconds(120));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(ack.observed())
                    .containsEntry("region", "us10")
                    .containsEntry("fencingEpoch", "3")
                    .containsEntry("monitorStatus.us10", "Online");
        }
        assertThat(AZURE.priority("orders-us10")).isEqualTo(1);
        assertThat(AZURE.priority("orders-eu10")).isEqualTo(2);
        assertThat(AZURE.epochTag()).isEqualTo("3");
        // the credential chain got its token from Entra, for Resource Manager, and ARM accepted only that
        assertThat(AZURE.issuedTokens()).isNotEmpty();
        assertThat(AZURE.requestedScopes())
                .allSatisfy(scope -> assertThat(scope).contains("https://management.core.windows.net//.default"));
        assertThat(AZURE.served("GET", 401)).as("no call was refused its token").isZero();
        assertThat(AZURE.served("PUT", 429)).isEqualTo(1);
        assertThat(AZURE.waitAfterThrottle("PUT")).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        EngineSideAcks.assertSignedAckArrives(KAFKA.bootstrapServers(), NAMES, KEYS, "c-tm-it-1");
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

    private static void send(
            KafkaProducer<String, byte[]> producer,
            org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("dns-actuator-tm-bus-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
