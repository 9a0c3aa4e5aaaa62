package io.mrm.chaos.adapter;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/** The decision engine's consumer group as Kafka sees it: which instance owns an application's partition now. */
public final class EngineGroup {

    /** The engine's Kafka Streams application id: the topic prefix and its service name. */
    public static final String GROUP = "mrm.decision-engine";

    private EngineGroup() {}

    /** The partition every topic keeps {@code applicationId} on (Kafka's default partitioner for a keyed record). */
    public static int partitionOf(String applicationId) {
        return Utils.toPositive(Utils.murmur2(applicationId.getBytes(StandardCharsets.UTF_8)))
                % KafkaBrokers.PARTITIONS;
    }

    /** The engine's input partition for the application (its observations). */
    public static TopicPartition inputPartition(String applicationId) {
        return new TopicPartition(TopicNames.defaults().of(Topics.OBSERVATIONS), partitionOf(applicationId));
    }

    /** The instance (MRM_INSTANCE) whose tasks include the application's partition, or null if none has it now. */
    public static String ownerOf(Admin admin, String applicationId) {
        TopicPartition input = inputPartition(applicationId);
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP))
                    .all()
                    .get(15, TimeUnit.SECONDS)
                    .get(GROUP);
            for (MemberDescription member : group.members()) {
                if (member.assignment().topicPartitions().contains(input)) {
                    return member.groupInstanceId().orElse(member.consumerId());
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("describing the engine's group failed", e);
        }
    }
}
