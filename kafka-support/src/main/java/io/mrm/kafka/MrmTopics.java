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

    private MrmTopics() {
    }

    public static NewTopic[] newTopics(TopicNames names, MrmKafkaProperties props) {
        return Topics.ALL.stream().map(topic -> newTopic(names, props, topic)).toArray(NewTopic[]::new);
    }

    static NewTopic newTopic(TopicNames names, MrmKafkaProperties props, Topic<?> topic) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanup().kafkaValue());
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retentionMs()));
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(props.minInsyncReplicas()));
        // The broker-side limit leaves room for headers; consumers enforce the exact cap.
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(topic.maxRecordBytes() * 2));
        return new NewTopic(names.of(topic), props.partitions(), props.replicationFactor()).configs(configs);
    }
}
