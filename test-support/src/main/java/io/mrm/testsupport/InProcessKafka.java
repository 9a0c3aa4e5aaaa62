package io.mrm.testsupport;

import java.util.HashMap;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft, combined controller and broker) inside this JVM, on a free
 * loopback port, configured so that transactions and exactly-once work with a single node. Used by
 * the integration tests and by the sandbox. Topics are not auto-created: services create theirs
 * from the registry, as in production.
 */
public final class InProcessKafka implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;

    private InProcessKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    public static InProcessKafka start() {
        return start(Map.of());
    }

    public static InProcessKafka start(Map<String, String> extraBrokerProperties) {
        Map<String, String> props = new HashMap<>();
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(extraBrokerProperties);
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(props);
        broker.afterPropertiesSet();
        return new InProcessKafka(broker);
    }

    /** {@code host:port} list for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
