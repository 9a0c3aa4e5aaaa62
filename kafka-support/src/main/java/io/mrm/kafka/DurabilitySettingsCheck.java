package io.mrm.kafka;

import io.mrm.kafka.durability.WeakDurabilityException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Refuses weak Kafka durability settings before any bean is made: {@link MrmKafkaProperties} applies
 * the rule when bound, but a service binds it only when a bean first needs it, and a problem with
 * another setting could be reported first. This is the first thing a service with replication 1
 * outside the profile local says. Other problems with {@code mrm.kafka} are left to that binding.
 */
final class DurabilitySettingsCheck implements BeanFactoryPostProcessor, Ordered {

    private final Environment environment;

    DurabilitySettingsCheck(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        try {
            Binder.get(environment).bindOrCreate("mrm.kafka", Bindable.of(MrmKafkaProperties.class));
        } catch (BindException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof WeakDurabilityException weak) {
                    throw weak;
                }
            }
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
