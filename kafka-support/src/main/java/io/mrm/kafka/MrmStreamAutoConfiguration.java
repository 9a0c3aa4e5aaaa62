package io.mrm.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.function.context.catalog.FunctionAroundWrapper;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry;
import org.springframework.cloud.stream.binder.kafka.support.ConsumerConfigCustomizer;
import org.springframework.cloud.stream.binder.kafka.support.ProducerConfigCustomizer;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.cloud.stream.config.ProducerMessageHandlerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.integration.channel.AbstractSubscribableChannel;
import org.springframework.integration.channel.NullChannel;
import org.springframework.integration.expression.FunctionExpression;
import org.springframework.integration.kafka.outbound.KafkaProducerMessageHandler;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.converter.MessagingMessageConverter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;

/**
 * What the services' Kafka input and output need from Spring Cloud Stream's Kafka binder (present in the health
 * monitor and the actuators). Output: every record the service writes goes through one output binding
 * ({@link StreamRecordSender}) on an idempotent {@code acks=all} producer, headers as the codec made them, with a
 * future per record. Input (the actuators' commands): the record itself in each message, the binder's container set
 * up for the command lanes. Start-up checks refuse settings under which either would not work as built.
 */
@AutoConfiguration(
        after = MrmKafkaAutoConfiguration.class,
        beforeName = "org.springframework.cloud.function.observability.ObservationAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder")
public class MrmStreamAutoConfiguration {

    /** Set (mrm-stream.yml) in the services that write through the output binding. */
    static final String OUTPUT_DESTINATION =
            "spring.cloud.stream.bindings." + StreamRecordSender.BINDING + ".destination";

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

    /** Puts the codec's headers on each record written, and nothing else (mrm-stream.yml names it). */
    @Bean(RecordHeadersMapper.BEAN)
    RecordHeadersMapper mrmRecordHeaders() {
        return new RecordHeadersMapper();
    }

    /** The service's writes go through the output binding once mrm-stream.yml (or the environment) configures it. */
    @Bean
    @ConditionalOnProperty(name = OUTPUT_DESTINATION)
    StreamRecordSender mrmStreamRecordSender(BeanFactory beans, Environment environment) {
        // the binding's channel (made at start-up, looked up once) has its producer subscribed once it is bound
        AtomicReference<MessageChannel> resolved = new AtomicReference<>();
        Supplier<MessageChannel> channel = () -> {
            MessageChannel known = resolved.get();
            if (known == null) {
                known = beans.getBean(StreamRecordSender.BINDING, MessageChannel.class);
                resolved.set(known);
            }
            return known;
        };
        BooleanSupplier bound = () -> {
            try {
                return channel.get() instanceof AbstractSubscribableChannel subscribable
                        && subscribable.getSubscriberCount() > 0;
            } catch (BeansException e) {
                return false; // not made yet, or the context is closing
            }
        };
        // a write waits for a late binding as long as Kafka's producer waits for a topic's metadata, plus two intervals
        // between Spring Cloud Stream's tries to bind (one try may come just before the broker can answer it)
        Binder binder = Binder.get(environment);
        Duration maxBlock = Duration.ofMillis(Long.parseLong(binder.bind(
                        "spring.cloud.stream.kafka.binder.producer-properties",
                        Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .getOrDefault("max.block.ms", "60000")
                .trim()));
        Duration retryInterval =
                Duration.ofSeconds(binder.bind("spring.cloud.stream.binding-retry-interval", Long.class)
                        .orElse(30L));
        return new StreamRecordSender(channel, bound, maxBlock.plus(retryInterval.multipliedBy(2)));
    }

    @Bean
    @ConditionalOnProperty(name = OUTPUT_DESTINATION)
    EventBindingCheck eventBindingCheck(BindingServiceProperties bindings, Environment environment) {
        return new EventBindingCheck(bindings, environment);
    }

    /**
     * Each send's future reaches the sender that waits for it (see {@link StreamRecordSender#futures()}), and a failed
     * send goes to that caller alone: on the error channel as well it would be logged whole at ERROR, a line per
     * observation while the broker is away, beside what the service itself counts and logs.
     */
    @Bean
    @ConditionalOnProperty(name = OUTPUT_DESTINATION)
    ProducerMessageHandlerCustomizer<KafkaProducerMessageHandler<?, ?>> mrmSendFutures(StreamRecordSender sender) {
        MessageHandler futures = sender.futures();
        MessageChannel channel = (message, timeout) -> {
            futures.handleMessage(message);
            return true;
        };
        return (handler, destination) -> {
            handler.setFuturesChannel(channel);
            // each record's own topic, else the destination: what use-topic-header asks for, without evaluating the
            // binder's SpEL expression for it on every send (a quarter of a write's CPU, measured)
            handler.setTopicExpression(new FunctionExpression<Message<?>>(message -> {
                Object topic = message.getHeaders().get(KafkaHeaders.TOPIC);
                return topic != null ? topic : destination;
            }));
            // its debug line renders the whole message, headers' bytes included, on every send whatever the log
            // level (commons-logging's SLF4J bridge formats before asking the level): half the CPU of a write
            handler.setLoggingEnabled(false);
            handler.setSendFailureChannel(new NullChannel());
        };
    }

    /**
     * The binding's producer is idempotent and waits for every in-sync replica, whatever the configuration says: an
     * acknowledgement, a dead letter or an observation reported as sent must not be lost with a leader. It writes the
     * key's and the value's bytes as they are, to the key's partition.
     */
    @Bean
    ProducerConfigCustomizer mrmDurableProducers(MrmServiceProperties service) {
        return (producer, binding, destination) -> {
            DurableProducers.enforce(producer, service);
            // the codec's bytes and the key's UTF-8 bytes as they are: another serializer would fail every write
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
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
