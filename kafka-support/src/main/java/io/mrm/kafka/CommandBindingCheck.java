package io.mrm.kafka;

import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.core.env.Environment;

/**
 * Refuses to start an actuator whose command binding would not read its command topic, or would read it
 * without a consumer group (an anonymous group starts at the end of the topic and commits nothing: commands
 * would be skipped and never redelivered), or would not hand the lanes each record itself: without the
 * raw-record converter, or in batches, every command would fail on the consumer thread and be logged and
 * skipped while the service looks ready. Also refuses a function definition that would leave the input unbound.
 * Runs before the bindings start, so a setting overridden from the environment fails the start, not each command.
 */
final class CommandBindingCheck implements SmartInitializingSingleton {

    private static final String FUNCTION_DEFINITION = "spring.cloud.function.definition";
    private static final String BINDING = "spring.cloud.stream.bindings." + CommandInput.BINDING;
    private static final String CONVERTER =
            "spring.cloud.stream.kafka.bindings." + CommandInput.BINDING + ".consumer.converter-bean-name";

    private final List<CommandInput<?>> inputs;
    private final BindingServiceProperties bindings;
    private final Environment environment;

    CommandBindingCheck(List<CommandInput<?>> inputs, BindingServiceProperties bindings, Environment environment) {
        this.inputs = inputs;
        this.bindings = bindings;
        this.environment = environment;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (inputs.size() > 1) {
            throw new IllegalStateException("one command input per service, found " + inputs);
        }
        for (CommandInput<?> input : inputs) {
            String destination = bindings.getBindingDestination(CommandInput.BINDING);
            if (!input.topicName().equals(destination)) {
                throw new IllegalStateException(BINDING + ".destination is " + quoted(destination)
                        + ": it must be this actuator's command topic, '" + input.topicName() + "'");
            }
            String group = bindings.getGroup(CommandInput.BINDING);
            if (group == null || group.isBlank()) {
                throw new IllegalStateException(BINDING
                        + ".group is not set: commands are read in the service's consumer group (mrm-commands.yml)");
            }
            requireEqual(FUNCTION_DEFINITION, CommandInput.FUNCTION);
            requireEqual(CONVERTER, MrmStreamAutoConfiguration.RAW_RECORDS);
            if (bindings.getConsumerProperties(CommandInput.BINDING).isBatchMode()) {
                throw new IllegalStateException(BINDING + ".consumer.batch-mode is true: the command lanes take "
                        + "each record by itself (mrm-commands.yml)");
            }
        }
    }

    private void requireEqual(String key, String expected) {
        // bound as Spring Cloud Stream binds it, so the environment's spelling of the key counts too
        String value = Binder.get(environment).bind(key, String.class).orElse(null);
        if (!expected.equals(value == null ? null : value.trim())) {
            throw new IllegalStateException(key + " is " + quoted(value) + ": it must be " + expected
                    + " for the command input (mrm-commands.yml)");
        }
    }

    private static String quoted(String value) {
        return value == null || value.isBlank() ? "not set" : "'" + value + "'";
    }
}
