package io.mrm.testsupport;

import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Several real Kafka brokers (and one KRaft controller) in this JVM, for tests of replication and
 * broker loss. Built on Kafka's own {@code KafkaClusterTestKit}: spring-kafka-test's multi-broker
 * KRaft variant fails to start with Kafka 4.1.
 */
public final class InProcessKafkaCluster implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private InProcessKafkaCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static InProcessKafkaCluster start(int brokers) throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(false)
                        .setNumControllerNodes(1)
                        .setNumBrokerNodes(brokers)
                        .build())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokers)))
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new InProcessKafkaCluster(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Stops one broker (by node id) and waits until it is down. */
    public void stopBroker(int nodeId) {
        BrokerServer broker = cluster.brokers().get(nodeId);
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** The node ids of the brokers. */
    public java.util.Set<Integer> brokerIds() {
        return cluster.brokers().keySet();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
