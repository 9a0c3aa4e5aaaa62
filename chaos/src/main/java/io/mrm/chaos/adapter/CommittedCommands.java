package io.mrm.chaos.adapter;

import io.mrm.events.command.StepCommand;
import io.mrm.testsupport.TopicRecorder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The commands the actuators have committed, from their consumer groups' committed offsets on the command topics:
 * an actuator commits a command's offset only once the command ended and its acknowledgement's write was confirmed
 * by the brokers, so these are the commands whose acknowledgements must be on the topic.
 */
public final class CommittedCommands {

    private CommittedCommands() {}

    /** The ids of {@code applicationId}'s commands below some group's committed offset on their partition. */
    public static Set<String> of(Admin admin, TopicRecorder recorder, String applicationId) {
        Map<TopicPartition, Long> committed = new HashMap<>();
        try {
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                offsets.forEach((partition, offset) -> {
                    if (offset != null) {
                        committed.merge(partition, offset.offset(), Math::max);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the committed offsets", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("reading the committed offsets failed: " + e, e);
        }
        Set<String> ids = new HashSet<>();
        for (TopicRecorder.Recorded record : recorder.records()) {
            if (record.event() instanceof StepCommand command
                    && command.applicationId().equals(applicationId)) {
                Long below = committed.get(new TopicPartition(record.topic(), record.partition()));
                if (below != null && record.offset() < below) {
                    ids.add(command.id());
                }
            }
        }
        return ids;
    }
}
