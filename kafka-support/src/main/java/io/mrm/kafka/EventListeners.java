package io.mrm.kafka;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.InboundDecoder;
import java.util.function.Consumer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Builds the listener containers services consume with. Each record is decoded and validated by
 * the shared {@link InboundDecoder}; a record that fails goes to the dead-letter topic at once, a
 * handler that throws is retried (bounded) and then dead-lettered; either way the consumer carries
 * on with the next record. Declare the result as a {@code @Bean} so Spring starts and stops it.
 */
public class EventListeners {

    private final ConsumerFactory<byte[], byte[]> consumerFactory;
    private final CommonErrorHandler errorHandler;
    private final InboundDecoder decoder;
    private final TopicNames topicNames;
    private final String groupId;

    public EventListeners(ConsumerFactory<byte[], byte[]> consumerFactory, CommonErrorHandler errorHandler,
                          InboundDecoder decoder, TopicNames topicNames, String groupId) {
        this.consumerFactory = consumerFactory;
        this.errorHandler = errorHandler;
        this.decoder = decoder;
        this.topicNames = topicNames;
        this.groupId = groupId;
    }

    /** A container in this service's consumer group that hands each valid event of {@code topic} to {@code handler}. */
    public <E extends MrmEvent> ConcurrentMessageListenerContainer<byte[], byte[]> container(
            Topic<E> topic, Consumer<? super E> handler) {
        ContainerProperties props = new ContainerProperties(topicNames.of(topic));
        props.setGroupId(groupId);
        props.setMessageListener((org.springframework.kafka.listener.MessageListener<byte[], byte[]>) record -> {
            RawRecord raw = new RawRecord(record.topic(), record.partition(), record.offset(), record.key(),
                    record.headers(), record.value());
            Decoded decoded = decoder.decode(raw);
            if (decoded instanceof Decoded.Rejected rejected) {
                throw new RejectedRecordException(rejected.deadLetter());
            }
            handler.accept(topic.valueType().cast(((Decoded.Accepted) decoded).event()));
        });
        ConcurrentMessageListenerContainer<byte[], byte[]> container =
                new ConcurrentMessageListenerContainer<>(consumerFactory, props);
        container.setCommonErrorHandler(errorHandler);
        container.setBeanName(groupId + "-" + topic.logicalName());
        return container;
    }
}
