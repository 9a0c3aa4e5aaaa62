package io.mrm.kafka;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.stream.binder.kafka.provisioning.KafkaTopicProvisioner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

/**
 * Added to the Kafka binder's own context (mrm-commands.yml names it in the binder's environment): the binder
 * looks the command topic's partitions up once when it binds, not eleven times. Its default, with no broker to
 * answer, held an actuator's start-up for minutes before giving up; now the binding fails within the client's
 * API timeout, the service starts (not ready: Kafka is unreachable), and Spring Cloud Stream binds again every
 * {@code spring.cloud.stream.binding-retry-interval} until the broker answers.
 */
@Configuration(proxyBeanMethods = false)
public class BinderLookups {

    @Bean
    static BeanPostProcessor mrmSingleTopicLookup() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof KafkaTopicProvisioner provisioner) {
                    provisioner.setMetadataRetryOperations(new RetryTemplate(
                            RetryPolicy.builder().maxRetries(0).build()));
                }
                return bean;
            }
        };
    }
}
