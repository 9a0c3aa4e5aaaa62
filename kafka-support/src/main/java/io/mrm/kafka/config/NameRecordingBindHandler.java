package io.mrm.kafka.config;

import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Records every name the binder asks for: each field of a record or bean, each list index and each
 * map key the sources hold, whether or not a value was found. A bad value is not this handler's
 * business (the real binding reports it): a failure becomes "no value", so that the names after it
 * are still visited.
 */
final class NameRecordingBindHandler extends AbstractBindHandler {

    private final Set<ConfigurationPropertyName> visited = new LinkedHashSet<>();

    @Override
    public <T> Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
        visited.add(name);
        return target;
    }

    @Override
    public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error) {
        return null;
    }

    Set<ConfigurationPropertyName> visited() {
        return visited;
    }
}
