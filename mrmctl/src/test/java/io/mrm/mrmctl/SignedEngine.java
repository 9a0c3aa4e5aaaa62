package io.mrm.mrmctl;

import io.mrm.events.TopicNames;
import io.mrm.testsupport.InProcessKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An in-process broker and the real decision engine, configured with the public keys of three operators whose
 * keys were made by {@code mrmctl keygen}: alice (operator, approver), bob (approver) and victor (viewer). The
 * engine knows two applications: orders (a five-step plan) and payments (two steps, two-person rule). Shared by
 * the integration tests that run mrmctl in this JVM and those that run its packaged jar.
 */
final class SignedEngine implements AutoCloseable {

    /** Each operator and the roles the engine gives them. */
    static final String[][] OPERATORS = {
        {"alice@example.com", "operator", "approver"}, {"bob@example.com", "approver"}, {"victor@example.com", "viewer"}
    };

    /** How the operators' keys are made: {@code mrmctl keygen} in this JVM or in the packaged jar. */
    interface Keygen {
        /** Runs {@code mrmctl --operator OPERATOR keygen --out KEY --role ROLES...}; fails the test if it fails. */
        void make(String operator, Path key, List<String> roles) throws Exception;
    }

    final Path keys;
    final InProcessKafka kafka;
    final ConfigurableApplicationContext engine;

    private SignedEngine(Path keys, InProcessKafka kafka, ConfigurableApplicationContext engine) {
        this.keys = keys;
        this.kafka = kafka;
        this.engine = engine;
    }

    /**
     * Makes the operators' keys with {@code keygen}, then starts a broker and the engine knowing their public keys.
     *
     * @param ordersSettings more {@code mrm.decision.applications[0].*} settings for orders, e.g.
     *                       {@code step-timeout=3s}; they win over the defaults given here
     */
    static SignedEngine start(TopicNames names, String instance, Keygen keygen, List<String> ordersSettings)
            throws Exception {
        Path keys = Files.createTempDirectory("mrmctl-keys");
        List<String> args = new ArrayList<>();
        for (int i = 0; i < OPERATORS.length; i++) {
            String id = OPERATORS[i][0];
            List<String> roles = List.of(OPERATORS[i]).subList(1, OPERATORS[i].length);
            keygen.make(id, key(keys, id), roles);
            args.add("operators[" + i + "].id=" + id);
            args.add("operators[" + i + "].roles=" + String.join(",", roles));
            args.add("operators[" + i + "].public-key-file=" + key(keys, id) + ".pub");
        }
        // a key given twice would reach Spring as one comma-joined value: the given settings replace the defaults
        Map<String, String> orders = new LinkedHashMap<>(Map.of(
                "id",
                "orders",
                "primary-region",
                "eu10",
                "standby-region",
                "us10",
                "vantages",
                "vantage-1,vantage-2",
                "plan",
                "EVENTS_SET_ACTIVE,DATA_PROMOTE,DNS_ROUTE,DNS_VERIFY",
                "step-timeout",
                "120s"));
        for (String setting : ordersSettings) {
            int eq = setting.indexOf('=');
            orders.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        orders.forEach((key, value) -> args.add("applications[0]." + key + "=" + value));
        args.addAll(List.of(
                "applications[1].id=payments",
                "applications[1].primary-region=eu10",
                "applications[1].standby-region=us10",
                "applications[1].plan=DNS_ROUTE,DNS_VERIFY",
                "applications[1].vantages=vantage-1,vantage-2",
                "applications[1].step-timeout=120s",
                "applications[1].two-person-rule=true"));
        InProcessKafka kafka = InProcessKafka.start();
        try {
            return new SignedEngine(keys, kafka, TestEngine.start(kafka, names, instance, args));
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /** The operator's private key file (its public key is beside it, with .pub). */
    Path key(String operator) {
        return key(keys, operator);
    }

    private static Path key(Path keys, String operator) {
        return keys.resolve(operator.substring(0, operator.indexOf('@')) + ".key");
    }

    /** The id of the broker's Kafka cluster, which requests are signed for. */
    String clusterId() throws Exception {
        return clusterId(kafka);
    }

    static String clusterId(InProcessKafka broker) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            kafka.close();
        }
    }
}
