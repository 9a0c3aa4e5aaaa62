package io.mrm.kafka;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.mrm.events.MrmService;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.kafka.config.UnknownSettingsCheck;
import io.mrm.kafka.durability.DurableTopics;
import io.mrm.kafka.durability.ExistingTopicsDurabilityCheck;
import io.mrm.kafka.tracing.BusTracing;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * What every MRM service gets by depending on kafka-support: the deployment's topic names, the
 * topics themselves, an idempotent {@code acks=all} publisher, the inbound decoder, the shared
 * dead-letter path and an actuator's command input. And two start-up checks no
 * service can forget: no key under {@code mrm.} that none of its settings takes, and topics durable
 * enough to survive the loss of a site.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@EnableConfigurationProperties({
    MrmKafkaProperties.class,
    MrmServiceProperties.class,
    CommandListenerProperties.class,
    BusAuthProperties.class,
    io.mrm.kafka.readiness.ReadinessProperties.class
})
public class MrmKafkaAutoConfiguration {

    @Bean
    static UnknownSettingsCheck unknownSettingsCheck(ConfigurableEnvironment environment) {
        return new UnknownSettingsCheck(environment);
    }

    @Bean
    static DurabilitySettingsCheck durabilitySettingsCheck(ConfigurableEnvironment environment) {
        return new DurabilitySettingsCheck(environment);
    }

    @Bean
    ExistingTopicsDurabilityCheck existingTopicsDurabilityCheck(
            ObjectProvider<KafkaAdmin> admin,
            KafkaProperties kafka,
            MrmKafkaProperties props,
            TopicNames names,
            ObjectProvider<DurableTopics> durableTopics) {
        Set<String> registry = Topics.ALL.stream().map(names::of).collect(Collectors.toUnmodifiableSet());
        List<DurableTopics> others = durableTopics.orderedStream().toList();
        KafkaAdmin kafkaAdmin = admin.getIfAvailable();
        return new ExistingTopicsDurabilityCheck(
                kafkaAdmin != null ? kafkaAdmin.getConfigurationProperties() : kafka.buildAdminProperties(),
                topic -> registry.contains(topic) || others.stream().anyMatch(o -> o.includes(topic)),
                props.allowWeakDurability(),
                props.replicationFactor(),
                props.minInsyncReplicas(),
                props.durabilityCheckTimeout());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock mrmClock() {
        return Clock.systemUTC();
    }

    @Bean
    TopicNames topicNames(MrmKafkaProperties props) {
        return new TopicNames(props.topicPrefix());
    }

    @Bean
    @ConditionalOnMissingBean
    RecordAuthenticator recordAuthenticator(
            BusAuthProperties busAuth, MrmServiceProperties service, ObjectProvider<MeterRegistry> meters) {
        RecordAuthenticator authenticator = BusAuthentication.authenticator(busAuth, service.name());
        // 1 when this service signs and checks, 0 when bus authentication is off: a service running
        // unauthenticated outside a development stack is something to alert on, not only a start-up warning
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            io.micrometer.core.instrument.Gauge.builder(
                            "mrm.bus.authentication.required", authenticator, a -> a.isRequired() ? 1 : 0)
                    .register(registry);
        }
        return authenticator;
    }

    /**
     * Encodes only for the topics the registry says this service writes (the six services by their
     * {@code mrm.service.name}); a name of no MRM service (a test harness's) writes as no one in particular.
     */
    @Bean
    EventCodec eventCodec(TopicNames names, MrmServiceProperties service, RecordAuthenticator authenticator) {
        EventCodec codec = new EventCodec(names, service.eventSource(), authenticator);
        return MrmService.forName(service.name()).map(codec::writtenBy).orElse(codec);
    }

    @Bean
    InboundDecoder inboundDecoder(
            TopicNames names,
            MrmKafkaProperties props,
            MrmServiceProperties service,
            Clock clock,
            RecordAuthenticator authenticator) {
        return new InboundDecoder(
                names, service.name(), new InboundLimits(props.maxFutureSkew(), props.maxAge()), clock, authenticator);
    }

    @Bean
    @ConditionalOnProperty(name = "mrm.kafka.create-topics", havingValue = "true")
    KafkaAdmin.NewTopics mrmTopics(TopicNames names, MrmKafkaProperties props) {
        return new KafkaAdmin.NewTopics(MrmTopics.newTopics(names, props));
    }

    @Bean
    ProducerFactory<String, byte[]> mrmProducerFactory(KafkaProperties kafka, MrmServiceProperties service) {
        Map<String, Object> config = kafka.buildProducerProperties();
        DurableProducers.enforce(config, service);
        return new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Bean
    KafkaTemplate<String, byte[]> mrmKafkaTemplate(ProducerFactory<String, byte[]> mrmProducerFactory) {
        return new KafkaTemplate<>(mrmProducerFactory);
    }

    /**
     * The records this service writes carry the trace context of its current span, and what it does for a record
     * continues that record's trace (see docs/operations.md, "Traces"). Without a tracer: off.
     */
    @Bean
    @ConditionalOnMissingBean
    BusTracing busTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfAvailable();
        Propagator p = propagator.getIfAvailable();
        return t == null || p == null ? BusTracing.off() : new BusTracing(t, p);
    }

    /** Command durations as a histogram, so that quantiles can be read across instances. */
    @Bean
    MeterFilter mrmCommandDurationHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(CommandTelemetry.DURATION)) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .build()
                        .merge(config);
            }
        };
    }

    @Bean
    EventPublisher eventPublisher(
            KafkaTemplate<String, byte[]> mrmKafkaTemplate,
            ObjectProvider<RecordSender> outputBinding,
            EventCodec codec,
            MrmKafkaProperties props,
            BusTracing tracing) {
        // the services on Spring Cloud Stream write through their output binding; the others through the template
        RecordSender sender = outputBinding.getIfAvailable(() -> RecordSender.of(mrmKafkaTemplate));
        return new EventPublisher(sender, codec, props.sendTimeout(), tracing);
    }

    @Bean
    DeadLetterRecoverer deadLetterRecoverer(
            EventPublisher publisher, MrmServiceProperties service, Clock clock, ObjectProvider<MeterRegistry> meters) {
        return new DeadLetterRecoverer(
                publisher, service.name(), clock, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    CommandInputs commandInputs(
            InboundDecoder decoder,
            TopicNames names,
            MrmServiceProperties service,
            DeadLetterRecoverer deadLetterRecoverer,
            MrmKafkaProperties props,
            CommandListenerProperties commands,
            Clock clock,
            ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<CommandBackend> backend) {
        return new CommandInputs(
                decoder,
                names,
                service.name(),
                deadLetterRecoverer,
                props,
                commands,
                clock,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                meters.getIfAvailable(SimpleMeterRegistry::new),
                backend.getIfAvailable(() -> CommandBackend.UNKNOWN));
    }

    /** An actuator that declares its read-only checks publishes them on the configured interval. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBean(io.mrm.events.readiness.ReadinessChecker.class)
    @ConditionalOnProperty(name = "mrm.readiness.enabled", havingValue = "true", matchIfMissing = true)
    io.mrm.kafka.readiness.ReadinessPublisher readinessPublisher(
            io.mrm.events.readiness.ReadinessChecker checker,
            EventPublisher publisher,
            io.mrm.kafka.readiness.ReadinessProperties properties,
            Clock clock) {
        return new io.mrm.kafka.readiness.ReadinessPublisher(checker, publisher, properties, clock);
    }

    /** Readiness on demand on the management port (POST /actuator/mrmreadiness). */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBean(io.mrm.events.readiness.ReadinessChecker.class)
    @ConditionalOnProperty(name = "mrm.readiness.enabled", havingValue = "true", matchIfMissing = true)
    io.mrm.kafka.readiness.ReadinessEndpoint readinessEndpoint(
            io.mrm.kafka.readiness.ReadinessPublisher publisher, Clock clock) {
        return new io.mrm.kafka.readiness.ReadinessEndpoint(publisher, clock);
    }
}
