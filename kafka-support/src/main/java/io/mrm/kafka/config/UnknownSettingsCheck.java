package io.mrm.kafka.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Refuses to start a service whose configuration holds a key under {@code mrm.} that none of its
 * {@code @ConfigurationProperties} takes, naming each key and the nearest one it does take.
 *
 * <p>It runs as a bean-factory post-processor: once every configuration file and the environment
 * are read and every bean is defined, but before any bean is made. So a misspelt key is reported as
 * itself, before the "must not be null" its missing value would cause further on.
 */
public final class UnknownSettingsCheck implements BeanFactoryPostProcessor, Ordered {

    private final ConfigurableEnvironment environment;

    public UnknownSettingsCheck(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        List<UnknownSetting> unknown = UnknownSettings.find(environment.getPropertySources(), rootsOf(beanFactory));
        if (!unknown.isEmpty()) {
            throw new UnknownSettingsException(unknown);
        }
    }

    /** Every {@code @ConfigurationProperties} bean the context defines, without making any bean. */
    static List<SettingsRoot> rootsOf(ConfigurableListableBeanFactory beanFactory) {
        Set<SettingsRoot> roots = new LinkedHashSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            try {
                Class<?> type = beanFactory.getType(name, false);
                ConfigurationProperties annotation = type == null
                        ? null
                        : beanFactory.findAnnotationOnBean(name, ConfigurationProperties.class, false);
                if (annotation != null) {
                    roots.add(SettingsRoot.of(annotation, ClassUtils.getUserClass(type)));
                }
            } catch (BeansException e) {
                // a bean whose type cannot be known before it is made binds nothing this check could see
            }
        }
        return List.copyOf(roots);
    }

    /** Ahead of the other start-up checks: a misspelt key explains what they would find. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }
}
