package io.mrm.kafka;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings every MRM service's producer gets whatever the configuration says, through the template or the output
 * binding alike: idempotent and waiting for every in-sync replica (a record reported sent is not lost with a leader),
 * named after the service, and writing each record to its key's partition (an application's records in one
 * partition, in order, as every reader of the bus expects).
 */
final class DurableProducers {

    private DurableProducers() {}

    static void enforce(Map<String, Object> producer, MrmServiceProperties service) {
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, service.name() + "-" + service.instance());
        producer.remove(ProducerConfig.PARTITIONER_CLASS_CONFIG);
        producer.remove(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG);
    }
}
