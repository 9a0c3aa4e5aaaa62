package io.mrm.kafka.config;

import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * One {@code @ConfigurationProperties} type of a service and the prefix it is bound under, e.g.
 * {@code mrm.kafka} → {@code MrmKafkaProperties}.
 *
 * @param prefix the name the type is bound under
 * @param type   the type
 */
public record SettingsRoot(ConfigurationPropertyName prefix, Class<?> type) {

    public SettingsRoot {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(type, "type");
    }

    /** The root of a type annotated with {@code @ConfigurationProperties}. */
    public static SettingsRoot of(Class<?> type) {
        ConfigurationProperties annotation =
                AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type.getName() + " is not annotated with @ConfigurationProperties");
        }
        return of(annotation, type);
    }

    static SettingsRoot of(ConfigurationProperties annotation, Class<?> type) {
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        return new SettingsRoot(ConfigurationPropertyName.of(prefix), type);
    }

    Bindable<?> bindable() {
        return Bindable.of(type);
    }
}
