package io.mrm.hana.config;

import io.mrm.hana.adapter.postgres.PostgresDebeziumReplication;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Each application's capture runs in the instance its commands go to: the one assigned the partition
 * of the command topic that the application's key hashes to (Kafka's Java partitioner, murmur2). When
 * partitions move, captures move with them; the new owner takes the pipeline over in the target
 * database, so a previous owner that has not noticed yet cannot apply after it.
 */
final class CaptureOwnershipListener implements ConsumerAwareRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureOwnershipListener.class);

    private final PostgresDebeziumReplication replication;
    private final List<String> applications;
    private final Set<TopicPartition> assigned = new HashSet<>();

    CaptureOwnershipListener(PostgresDebeziumReplication replication, Collection<String> applications) {
        this.replication = replication;
        this.applications = List.copyOf(applications);
    }

    @Override
    public synchronized void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        apply(consumer);
    }

    @Override
    public synchronized void onPartitionsRevokedBeforeCommit(
            Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        apply(consumer);
    }

    @Override
    public synchronized void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        apply(consumer);
    }

    private void apply(Consumer<?, ?> consumer) {
        Set<String> owned = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        assigned.forEach(tp -> topics.add(tp.topic()));
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                continue;
            }
            for (String app : applications) {
                if (assigned.contains(new TopicPartition(topic, partition(app, infos.size())))) {
                    owned.add(app);
                }
            }
        }
        LOG.info("this instance runs the capture of {} (command partitions {})", owned, assigned);
        replication.own(owned);
    }

    /** The partition the Java producer puts a record keyed by {@code applicationId} on. */
    static int partition(String applicationId, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(applicationId.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
