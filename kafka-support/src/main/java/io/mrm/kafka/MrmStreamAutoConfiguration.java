package io.mrm.kafka;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.function.context.catalog.FunctionAroundWrapper;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry;
import org.springframework.cloud.stream.binder.kafka.support.ConsumerConfigCustomizer;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.support.converter.MessagingMessageConverter;

/**
 * What an actuator's command input needs from Spring Cloud Stream's Kafka binder (present in the services that
 * consume commands): the record itself in each message, the binder's container set up for the command lanes, and
 * a start-up check that the binding reads the topic the input is for.
 */
@AutoConfiguration(
        after = MrmKafkaAutoConfiguration.class,
        beforeName = "org.springframework.cloud.function.observability.ObservationAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder")
public class MrmStreamAutoConfiguration {

    /** The bean name mrm-commands.yml gives the command binding as its converter. */
    public static final String RAW_RECORDS = "mrmRawRecordConverter";

    /**
     * Puts the consumer record in each message ({@code kafka_data}): the command lanes decode, check and
     * authenticate the record's own bytes and headers, and dead-letter it as it was.
     */
    @Bean(RAW_RECORDS)
    MessagingMessageConverter mrmRawRecordConverter() {
        MessagingMessageConverter converter = new MessagingMessageConverter();
        converter.setRawRecordHeader(true);
        return converter;
    }

    /**
     * Runs the command function without an observation of its own. Each command already has its span (continuing
     * the trace the command carries, see {@link CommandTelemetry}); Spring Cloud Function's would start an unrelated
     * trace for every record.
     */
    @Bean
    FunctionAroundWrapper mrmPlainFunctionInvocation() {
        return new FunctionAroundWrapper() {
            @Override
            protected Object doApply(Object input, SimpleFunctionRegistry.FunctionInvocationWrapper function) {
                return function.apply(input);
            }
        };
    }

    /** {@code commandInput} in an actuator's readiness group: DOWN unless its command consumer runs. */
    @Bean
    @ConditionalOnBean(CommandInput.class)
    CommandBindingHealthIndicator commandInputHealthIndicator(ObjectProvider<CommandInput<?>> inputs) {
        return new CommandBindingHealthIndicator(inputs.orderedStream().toList());
    }

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> mrmCommandContainers(
            ObjectProvider<CommandInput<?>> inputs) {
        return (container, destination, group) -> {
            for (CommandInput<?> input : inputs) {
                if (input.topicName().equals(destination)) {
                    input.configure(container);
                }
            }
        };
    }

    @Bean
    ConsumerConfigCustomizer mrmCommandConsumers(ObjectProvider<CommandInput<?>> inputs) {
        return (consumer, binding, destination) -> {
            for (CommandInput<?> input : inputs) {
                if (input.topicName().equals(destination)) {
                    input.configure(consumer);
                }
            }
        };
    }

    @Bean
    CommandBindingCheck commandBindingCheck(
            ObjectProvider<CommandInput<?>> inputs, BindingServiceProperties bindings, Environment environment) {
        return new CommandBindingCheck(List.copyOf(inputs.orderedStream().toList()), bindings, environment);
    }
}
