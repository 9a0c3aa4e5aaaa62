package io.mrm.kafka;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The registry's topics as Kafka {@link NewTopic}s for one deployment. */
public final class MrmTopics {

    /** Kafka's own default for max.message.bytes (about 1 MiB). */
    static final int MIN_BATCH_BYTES = 1024 * 1024 + 12;

    private MrmTopics() {}

    public static NewTopic[] newTopics(TopicNames names, MrmKafkaProperties props) {
        return Topics.ALL.stream().map(topic -> newTopic(names, props, topic)).toArray(NewTopic[]::new);
    }

    static NewTopic newTopic(TopicNames names, MrmKafkaProperties props, Topic<?> topic) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanup().kafkaValue());
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retentionMs()));
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(props.minInsyncReplicas()));
        // The broker's limit applies to whole record batches, not single records: keep it well above
        // the record cap (a batch split by the producer for being too large can break idempotent
        // sequencing). Consumers enforce the exact per-record cap.
        configs.put(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(Math.max(MIN_BATCH_BYTES, topic.maxRecordBytes() * 2)));
        return new NewTopic(names.of(topic), props.partitions(), props.replicationFactor()).configs(configs);
    }
}
