package io.mrm.events.codec;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import java.net.URI;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns an event into a Kafka record in CloudEvents binary mode: {@code ce_*} headers, JSON body,
 * keyed by the application id, on the topic its type belongs to.
 */
public final class EventCodec {

    public static final String CONTENT_TYPE = "application/json";

    private final TopicNames topicNames;
    private final URI source;

    /**
     * @param topicNames the deployment's topic names
     * @param source     who produces, e.g. {@code /mrm/health-monitor/vantage-a} (CloudEvents {@code source})
     */
    public EventCodec(TopicNames topicNames, URI source) {
        this.topicNames = topicNames;
        this.source = source;
    }

    public TopicNames topicNames() {
        return topicNames;
    }

    public ProducerRecord<String, byte[]> toRecord(MrmEvent event) {
        EventType<?> type = EventTypes.forClass(event.getClass());
        byte[] body = EventJson.write(event);
        int cap = type.topic().maxRecordBytes();
        if (body.length > cap) {
            throw new IllegalArgumentException(type.ceType() + " " + event.id() + " is " + body.length
                    + " bytes, over the " + cap + "-byte cap of " + type.topic().logicalName());
        }
        return KafkaMessageFactory.createWriter(topicNames.of(type.topic()), event.applicationId())
                .writeBinary(toCloudEvent(type, event, body));
    }

    private CloudEvent toCloudEvent(EventType<?> type, MrmEvent event, byte[] body) {
        return CloudEventBuilder.v1()
                .withId(event.id())
                .withType(type.ceType())
                .withSource(source)
                .withSubject(event.applicationId())
                .withTime(event.time().atOffset(ZoneOffset.UTC))
                .withDataContentType(CONTENT_TYPE)
                .withData(body)
                .build();
    }
}
