package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;

import io.mrm.events.TopicNames;
import io.mrm.events.auth.BusSigner;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.EngineSide;
import io.mrm.testsupport.InProcessKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What an IT of the running hana-sync service (backend POSTGRES_DEBEZIUM, bus authentication required)
 * stands on: a real in-process broker, two real PostgreSQL servers serving the application {@code shop},
 * the bus keys, and the engine's side of the bus. Made once per test class, in a static field
 * registered as an extension: it closes after the class's tests.
 */
final class PostgresServiceBackend implements AfterAllCallback {

    final InProcessKafka kafka = InProcessKafka.start();
    final TwoPostgresRegions regions;
    final BusKeyring keys;
    final EngineSide engine;
    private final String topicPrefix;
    private final Path password;

    /** @param topicPrefix the test's own topics ({@code mrm.kafka.topic-prefix}) */
    PostgresServiceBackend(String topicPrefix) {
        this.topicPrefix = topicPrefix;
        try {
            regions = new TwoPostgresRegions();
            password = Files.createTempFile("pg-password", "");
            Files.writeString(password, "unused-by-trust-auth\n");
            keys = new BusKeyring(Files.createTempDirectory("hana-sync-it-keys"), "it-env", List.of());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
        engine = new EngineSide(kafka.bootstrapServers(), new TopicNames(topicPrefix), keys, BusSigner.HANA_SYNC);
    }

    /** The service's settings: the broker, the topics, both regions of {@code shop} and the bus keys. */
    void register(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("mrm.kafka.topic-prefix", () -> topicPrefix);
        registry.add("mrm.data.backend", () -> "POSTGRES_DEBEZIUM");
        String shop = "mrm.data.postgres.applications.shop.";
        registry.add(shop + "initial-primary", () -> A);
        registry.add(shop + "app-role", () -> "app");
        registry.add(shop + "tables", () -> "public.account,public.orders,public.audit");
        for (String region : List.of(A, B)) {
            String key = shop + "regions." + region;
            registry.add(key + ".user", () -> "postgres");
            registry.add(key + ".jdbc-url", () -> regions.url(region));
            registry.add(key + ".password.file", password::toString);
        }
        // a list binds from one property source: all of the bus settings are here
        keys.properties("hana-sync", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        kafka.close();
        regions.close();
    }
}
