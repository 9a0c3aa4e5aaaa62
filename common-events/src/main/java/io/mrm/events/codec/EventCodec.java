package io.mrm.events.codec;

import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.MrmService;
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
    /** The service this codec encodes for; null: any (tools and tests that write as no particular service). */
    private final MrmService writer;

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
        this(topicNames, new CloudEventsBinary.Writer(source, CONTENT_TYPE), authenticator, null);
    }

    private EventCodec(
            TopicNames topicNames,
            CloudEventsBinary.Writer envelope,
            RecordAuthenticator authenticator,
            MrmService writer) {
        this.topicNames = topicNames;
        this.envelope = envelope;
        this.authenticator = authenticator;
        this.writer = writer;
    }

    /**
     * This codec, encoding only for the topics the registry says {@code service} writes: publishing anything else
     * (an actuator that acknowledges on the commands topic, a monitor that writes a decision) fails at once,
     * naming the topic's writers, instead of reaching a topic whose consumers trust its one writer.
     */
    public EventCodec writtenBy(MrmService service) {
        return new EventCodec(topicNames, envelope, authenticator, service);
    }

    public TopicNames topicNames() {
        return topicNames;
    }

    public ProducerRecord<String, byte[]> toRecord(MrmEvent event) {
        return toRecord(event, null);
    }

    /**
     * As {@link #toRecord(MrmEvent)}, carrying {@code trace} (null: none) in the CloudEvents distributed-tracing
     * extension's headers. They are not signed: a trace context only links spans, it never decides anything.
     */
    public ProducerRecord<String, byte[]> toRecord(MrmEvent event, TraceParent trace) {
        EventType<?> type = EventTypes.forClass(event.getClass());
        if (writer != null && !type.topic().isWrittenBy(writer)) {
            throw new IllegalStateException(writer + " may not write " + type.ceType() + " " + event.id() + ": topic "
                    + topicNames.of(type.topic()) + " is written by "
                    + type.topic().writers() + " only");
        }
        byte[] body = EventJson.write(event);
        int cap = type.topic().maxRecordBytes();
        if (body.length > cap) {
            throw new IllegalArgumentException(type.ceType() + " " + event.id() + " is " + body.length
                    + " bytes, over the " + cap + "-byte cap of " + type.topic().logicalName());
        }
        // binary mode, keyed by application (the partitioning every MRM topic shares)
        String topicName = topicNames.of(type.topic());
        Headers headers =
                envelope.headers(event.id(), type.ceType(), event.applicationId(), FastInstants.format(event.time()));
        Header signature = authenticator.sign(
                type.topic(), topicName, event.applicationId(), type.ceType(), event.id(), body, event);
        if (signature != null) {
            headers.add(signature);
        }
        CloudEventsBinary.Writer.trace(headers, trace);
        return new ProducerRecord<>(topicName, null, null, event.applicationId(), body, headers);
    }
}
