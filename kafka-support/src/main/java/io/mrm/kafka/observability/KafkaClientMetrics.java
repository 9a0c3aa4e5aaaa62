package io.mrm.kafka.observability;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;

/**
 * Gives every Kafka producer and consumer the services make through Spring's factories its client
 * metrics in the meter registry (send rates and errors, request latency, fetch rates, consumer lag as
 * {@code kafka_consumer_fetch_manager_records_lag*}). Spring Boot does this only for the factories it
 * makes itself; the services' factories are kafka-support's own.
 */
final class KafkaClientMetrics implements BeanPostProcessor {

    private final ObjectProvider<MeterRegistry> registry;

    KafkaClientMetrics(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DefaultKafkaProducerFactory<?, ?> producers) {
            addTo(producers);
        } else if (bean instanceof DefaultKafkaConsumerFactory<?, ?> consumers) {
            addTo(consumers);
        }
        return bean;
    }

    private <K, V> void addTo(DefaultKafkaProducerFactory<K, V> factory) {
        MeterRegistry meters = registry.getIfAvailable();
        boolean present = factory.getListeners().stream().anyMatch(MicrometerProducerListener.class::isInstance);
        if (meters != null && !present) {
            factory.addListener(new MicrometerProducerListener<>(meters));
        }
    }

    private <K, V> void addTo(DefaultKafkaConsumerFactory<K, V> factory) {
        MeterRegistry meters = registry.getIfAvailable();
        boolean present = factory.getListeners().stream().anyMatch(MicrometerConsumerListener.class::isInstance);
        if (meters != null && !present) {
            factory.addListener(new MicrometerConsumerListener<>(meters));
        }
    }
}
