package io.mrm.kafka;

import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.KafkaHeaderMapper;
import org.springframework.messaging.MessageHeaders;

/**
 * The Kafka binder's header mapper in MRM's services: a record written through the output binding gets exactly the
 * headers the codec made (the CloudEvents attributes, the signature, the trace context), in their order, and nothing
 * else — none of Spring's message headers, no type hints. Records read keep their own headers: the command input
 * takes the record itself, so nothing is mapped into the message.
 */
public final class RecordHeadersMapper implements KafkaHeaderMapper {

    /** The bean name mrm-stream.yml gives the binder. */
    public static final String BEAN = "mrmRecordHeaders";

    /** The message header that carries the record's own headers to the binding's producer. */
    public static final String RECORD_HEADERS = "mrm_recordHeaders";

    @Override
    public void fromHeaders(MessageHeaders headers, Headers target) {
        Object own = headers.get(RECORD_HEADERS);
        if (own instanceof Headers recordHeaders) {
            for (Header header : recordHeaders) {
                target.add(header);
            }
        }
    }

    @Override
    public void toHeaders(Headers source, Map<String, Object> target) {
        // the command input works on the record itself (kafka_data), headers included
    }
}
