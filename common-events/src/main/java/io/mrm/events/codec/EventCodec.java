package io.mrm.events.codec;

import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import java.net.URI;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns an event into a Kafka record in CloudEvents binary mode: {@code ce_*} headers, JSON body,
 * keyed by the application id, on the topic its type belongs to.
 */
public final class EventCodec {

    public static final String CONTENT_TYPE = "application/json";

    private final TopicNames topicNames;
    private final CloudEventsBinary.Writer envelope;

    /**
     * @param topicNames the deployment's topic names
     * @param source     who produces, e.g. {@code /mrm/health-monitor/vantage-a} (CloudEvents {@code source})
     */
    public EventCodec(TopicNames topicNames, URI source) {
        this.topicNames = topicNames;
        this.envelope = new CloudEventsBinary.Writer(source, CONTENT_TYPE);
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
        // binary mode, keyed by application (the partitioning every MRM topic shares)
        return new ProducerRecord<>(topicNames.of(type.topic()), null, null, event.applicationId(), body,
                envelope.headers(event.id(), type.ceType(), event.applicationId(), FastInstants.format(event.time())));
    }
}
