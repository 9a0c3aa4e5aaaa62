package io.mrm.events.codec;

import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.auth.RecordAuthenticator;
import java.net.URI;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns an event into a Kafka record in CloudEvents binary mode: {@code ce_*} headers, JSON body,
 * keyed by the application id, on the topic its type belongs to.
 */
public final class EventCodec {

    public static final String CONTENT_TYPE = "application/json";

    private final TopicNames topicNames;
    private final CloudEventsBinary.Writer envelope;
    private final RecordAuthenticator authenticator;

    /**
     * @param topicNames the deployment's topic names
     * @param source     who produces, e.g. {@code /mrm/health-monitor/vantage-a} (CloudEvents {@code source})
     */
    public EventCodec(TopicNames topicNames, URI source) {
        this(topicNames, source, RecordAuthenticator.off());
    }

    /**
     * @param authenticator signs the records that must be signed (commands, acknowledgements, observations)
     */
    public EventCodec(TopicNames topicNames, URI source, RecordAuthenticator authenticator) {
        this.topicNames = topicNames;
        this.envelope = new CloudEventsBinary.Writer(source, CONTENT_TYPE);
        this.authenticator = authenticator;
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
        String topicName = topicNames.of(type.topic());
        Headers headers = envelope.headers(event.id(), type.ceType(), event.applicationId(),
                FastInstants.format(event.time()));
        Header signature = authenticator.sign(type.topic(), topicName, event.applicationId(), type.ceType(), event.id(),
                body, event);
        if (signature != null) {
            headers.add(signature);
        }
        return new ProducerRecord<>(topicName, null, null, event.applicationId(), body, headers);
    }
}
