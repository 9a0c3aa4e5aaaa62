package io.mrm.kafka;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.stream.binder.HeaderMode;
import org.springframework.cloud.stream.binder.ProducerProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.core.env.Environment;

/**
 * Refuses to start a service whose output binding would not write the records the codec made as they are: converted
 * instead of native bytes, to the binding's destination instead of each record's own topic, with the binder's own
 * header mapping (Spring's headers and type hints instead of the CloudEvents headers and the signature, byte for
 * byte), with no header at all (a header mode other than {@code headers}) or one more (the binder's observation),
 * keyed or partitioned by Spring Cloud Stream instead of by the record's key, synchronously or in a transaction (no
 * send future, or sends refused outside a transaction). Each would fail or corrupt every record while the service
 * looks ready; a setting overridden from the environment fails the start instead.
 */
final class EventBindingCheck implements SmartInitializingSingleton {

    private static final String BINDING = "spring.cloud.stream.bindings." + StreamRecordSender.BINDING;
    private static final String KAFKA_PRODUCER =
            "spring.cloud.stream.kafka.bindings." + StreamRecordSender.BINDING + ".producer.";
    private static final String KAFKA_DEFAULT_PRODUCER = "spring.cloud.stream.kafka.default.producer.";
    private static final String BINDER = "spring.cloud.stream.kafka.binder.";

    private final BindingServiceProperties bindings;
    private final Environment environment;

    EventBindingCheck(BindingServiceProperties bindings, Environment environment) {
        this.bindings = bindings;
        this.environment = environment;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ProducerProperties producer = bindings.getProducerProperties(StreamRecordSender.BINDING);
        if (!producer.isUseNativeEncoding()) {
            throw refused(BINDING + ".producer.use-native-encoding is false: the codec's bytes are the payload");
        }
        if (producer.isPartitioned()
                || producer.getPartitionKeyExpression() != null
                || producer.getPartitionSelectorExpression() != null) {
            throw refused(BINDING + ".producer partitions by Spring Cloud Stream: records are partitioned by their "
                    + "key (the application), as every reader of the bus expects");
        }
        if (producer.getHeaderMode() != null && producer.getHeaderMode() != HeaderMode.headers) {
            throw refused(BINDING + ".producer.header-mode is '" + producer.getHeaderMode() + "': the binder then "
                    + "writes no header at all (no CloudEvents attributes, no signature); it must be headers or unset");
        }
        requireEqual(KAFKA_PRODUCER + "use-topic-header", "true", "each record goes to its own topic");
        requireAbsent(
                "message-key-expression",
                "each record keeps its own key, the application, as every reader "
                        + "of the bus expects its partition and order");
        requireAbsent(
                "transaction-manager",
                "the services' records are written one by one, each acknowledged by "
                        + "the broker, not in transactions");
        requireEqual(BINDER + "header-mapper-bean-name", RecordHeadersMapper.BEAN, "the codec's headers, as they are");
        requireAbsentOrFalse(KAFKA_PRODUCER + "sync", "a synchronous binding gives no send future");
        requireAbsentOrFalse(KAFKA_DEFAULT_PRODUCER + "sync", "a synchronous binding gives no send future");
        requireAbsentOrFalse(
                BINDER + "enable-observation",
                "each record carries its own trace context in ce_traceparent; the binder's observation adds a "
                        + "traceparent header of its own, from a trace of its own, to every record");
        String transactions = value(BINDER + "transaction.transaction-id-prefix");
        if (transactions != null && !transactions.isBlank()) {
            throw refused(BINDER + "transaction.transaction-id-prefix is set: the services' records are written "
                    + "one by one, each acknowledged by the broker, not in transactions");
        }
        String bound = value("spring.cloud.stream.output-bindings");
        if (bound == null
                || !java.util.Arrays.asList(bound.split("[,;]")).stream()
                        .map(String::trim)
                        .toList()
                        .contains(StreamRecordSender.BINDING)) {
            throw refused("spring.cloud.stream.output-bindings is " + quoted(bound) + ": it must name "
                    + StreamRecordSender.BINDING + " (bound at start-up; readiness reports it)");
        }
    }

    private void requireEqual(String key, String expected, String why) {
        String value = value(key);
        if (!expected.equals(value == null ? null : value.trim())) {
            throw refused(key + " is " + quoted(value) + ": it must be " + expected + " (" + why + ")");
        }
    }

    /** Neither on the binding nor as the Kafka bindings' default ({@code spring.cloud.stream.kafka.default}). */
    private void requireAbsent(String property, String why) {
        for (String key : java.util.List.of(KAFKA_PRODUCER + property, KAFKA_DEFAULT_PRODUCER + property)) {
            String value = value(key);
            if (value != null && !value.isBlank()) {
                throw refused(key + " is " + quoted(value) + ": it must not be set (" + why + ")");
            }
        }
    }

    private void requireAbsentOrFalse(String key, String why) {
        String value = value(key);
        if (value != null && !value.trim().equals("false")) {
            throw refused(key + " is " + quoted(value) + ": it must be false (" + why + ")");
        }
    }

    private String value(String key) {
        // bound as Spring Cloud Stream binds it, so the environment's spelling of the key counts too
        return Binder.get(environment).bind(key, String.class).orElse(null);
    }

    private static IllegalStateException refused(String reason) {
        return new IllegalStateException(reason + " (mrm-stream.yml)");
    }

    private static String quoted(String value) {
        return value == null || value.isBlank() ? "not set" : "'" + value + "'";
    }
}
