package io.mrm.kafka.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.kafka.MrmKafkaAutoConfiguration;
import io.mrm.kafka.MrmServiceProperties;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * What every service shows about its Kafka clients: their metrics in the meter registry, and the
 * readiness contributor {@code kafkaConnectivity} each service's readiness group includes.
 */
@AutoConfiguration(after = {KafkaAutoConfiguration.class, MrmKafkaAutoConfiguration.class})
@EnableConfigurationProperties(KafkaConnectivityProperties.class)
public class MrmObservabilityAutoConfiguration {

    @Bean
    static KafkaClientMetrics mrmKafkaClientMetrics(ObjectProvider<MeterRegistry> registry) {
        return new KafkaClientMetrics(registry);
    }

    @Bean
    KafkaConnectivityHealthIndicator kafkaConnectivity(
            KafkaProperties kafka, KafkaConnectivityProperties props, MrmServiceProperties service) {
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, service.name() + "-" + service.instance() + "-connectivity");
        return new KafkaConnectivityHealthIndicator(config, props);
    }
}
