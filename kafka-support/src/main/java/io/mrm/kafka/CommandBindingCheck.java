package io.mrm.kafka;

import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.stream.config.BindingServiceProperties;

/**
 * Refuses to start an actuator whose command binding would not read its command topic, or would read it
 * without a consumer group (an anonymous group starts at the end of the topic and commits nothing: commands
 * would be skipped and never redelivered). Runs before the bindings start.
 */
final class CommandBindingCheck implements SmartInitializingSingleton {

    private final List<CommandInput<?>> inputs;
    private final BindingServiceProperties bindings;

    CommandBindingCheck(List<CommandInput<?>> inputs, BindingServiceProperties bindings) {
        this.inputs = inputs;
        this.bindings = bindings;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (inputs.size() > 1) {
            throw new IllegalStateException("one command input per service, found " + inputs);
        }
        for (CommandInput<?> input : inputs) {
            String destination = bindings.getBindingDestination(CommandInput.BINDING);
            if (!input.topicName().equals(destination)) {
                throw new IllegalStateException("spring.cloud.stream.bindings." + CommandInput.BINDING
                        + ".destination is " + (destination == null ? "not set" : "'" + destination + "'")
                        + ": it must be this actuator's command topic, '" + input.topicName() + "'");
            }
            String group = bindings.getGroup(CommandInput.BINDING);
            if (group == null || group.isBlank()) {
                throw new IllegalStateException("spring.cloud.stream.bindings." + CommandInput.BINDING
                        + ".group is not set: commands are read in the service's consumer group (mrm-commands.yml)");
            }
        }
    }
}
