package io.mrm.decision.config;

import io.mrm.decision.policy.PolicySettings;
import io.mrm.kafka.config.UnknownSetting;
import io.mrm.kafka.config.UnknownSettingsException;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Refuses to start the engine when a key inside its policy ({@code mrm.decision.applications[0].failure-treshold})
 * is not one {@link PolicySettings} defines, naming the nearest one, in the same report and at the same moment as
 * the services' check of every other {@code mrm.} key: before any bean is made, so before a broker is reached.
 * Spring collects the policy as plain maps (its keys are PolicySettings', not a Java type's), so the services'
 * check sees every key in it as taken; this one applies the policy's own definition.
 */
public final class PolicyKeysCheck implements BeanFactoryPostProcessor, Ordered {

    private final ConfigurableEnvironment environment;

    public PolicyKeysCheck(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        Map<String, Object> tree = Binder.get(environment)
                .bind(PolicySettings.PREFIX, Bindable.mapOf(String.class, Object.class))
                .orElse(Map.of());
        List<UnknownSetting> unknown = unknownKeys(tree);
        if (!unknown.isEmpty()) {
            throw new UnknownSettingsException(unknown);
        }
    }

    static List<UnknownSetting> unknownKeys(Map<String, ?> tree) {
        return PolicySettings.unknownKeys(tree).stream()
                .map(u ->
                        new UnknownSetting(u.key(), "the decision policy (" + PolicySettings.PREFIX + ")", u.nearest()))
                .toList();
    }

    /** Right after the services' unknown-settings check, ahead of the other start-up checks. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }
}
