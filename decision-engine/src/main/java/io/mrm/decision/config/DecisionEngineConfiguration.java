package io.mrm.decision.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.decision.adapter.DecisionEngineStreams;
import io.mrm.decision.adapter.DecisionEngineTopology;
import io.mrm.decision.adapter.EngineMetrics;
import io.mrm.decision.adapter.TopologyGauges;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.kafka.MrmKafkaProperties;
import io.mrm.kafka.MrmServiceProperties;
import io.mrm.kafka.durability.DurabilityRule;
import io.mrm.kafka.durability.DurableTopics;
import io.mrm.kafka.tracing.BusTracing;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DecisionEngineProperties.class)
class DecisionEngineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DecisionEngineConfiguration.class);

    /**
     * The core, with the request authority bound to the Kafka cluster this engine runs on (read once here):
     * a signed request must be signed for it.
     */
    /** An unknown key inside the policy stops start-up before any bean is made (static: a post-processor). */
    @Bean
    static PolicyKeysCheck policyKeysCheck(ConfigurableEnvironment environment) {
        return new PolicyKeysCheck(environment);
    }

    @Bean
    DecisionCore decisionCore(DecisionEngineProperties props, ObjectProvider<KafkaAdmin> admin, KafkaProperties kafka) {
        // the whole policy is checked before the broker is asked for its cluster id
        PolicySettings.Policies policies = props.read();
        KafkaAdmin kafkaAdmin = admin.getIfAvailable();
        String clusterId = KafkaClusterId.read(
                kafkaAdmin != null ? kafkaAdmin.getConfigurationProperties() : kafka.buildAdminProperties(),
                KafkaClusterId.TIMEOUT);
        log.info("operator requests must be signed for Kafka cluster {}", clusterId);
        RequestAuthority authority = policies.authority().inCluster(clusterId);
        if (!authority.signaturesRequired()) {
            log.warn("mrm.decision.request-signatures.required=false: unsigned operator requests are ACCEPTED; "
                    + "anyone who can write to the requests topic can switch regions. Development only.");
        } else if (authority.operators().isEmpty()) {
            log.warn("no operators configured (mrm.decision.operators): every operator request will be refused; "
                    + "automatic decisions still run");
        } else {
            authority
                    .operators()
                    .forEach(o -> log.info(
                            "operator {} with roles {}, key {}",
                            o.id(),
                            o.roles().stream().sorted().toList(),
                            OperatorKeys.fingerprint(o.key())));
        }
        return new DecisionCore(policies.applications(), authority);
    }

    @Bean
    EngineMetrics engineMetrics(MeterRegistry meters, DecisionCore core) {
        return new EngineMetrics(meters, core.policies().keySet());
    }

    /** Gauges read from the published topology; told of each topology published, for rows beyond the policy's. */
    @Bean
    TopologyGauges topologyGauges(
            MeterRegistry meters,
            DecisionCore core,
            DecisionEngineStreams streams,
            EngineMetrics metrics,
            Clock clock) {
        TopologyGauges gauges = new TopologyGauges(meters, core.policies().values(), streams::publishedTopology, clock);
        metrics.onTopology(gauges::published);
        return gauges;
    }

    @Bean
    DecisionEngineStreams decisionEngineStreams(
            MeterRegistry meters,
            EngineMetrics metrics,
            DecisionCore core,
            InboundDecoder decoder,
            EventCodec codec,
            TopicNames names,
            Clock clock,
            KafkaProperties kafka,
            MrmKafkaProperties mrmKafka,
            MrmServiceProperties service,
            DecisionEngineProperties props,
            BusTracing tracing) {
        Properties config = new Properties();
        config.putAll(kafka.buildStreamsProperties());
        String applicationId = applicationId(names, service);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, props.commitInterval().toMillis());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) mrmKafka.replicationFactor());
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                props.stateDir() == null || props.stateDir().isBlank()
                        ? Path.of(
                                        System.getProperty("java.io.tmpdir"),
                                        "mrm-streams",
                                        applicationId,
                                        service.instance())
                                .toString()
                        : props.stateDir());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Static membership: a restarted instance gets its tasks back without a rebalance, and a
        // stopping one is removed from the group at once, so another takes over in seconds.
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), service.instance());
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        config.put(StreamsConfig.topicPrefix("min.insync.replicas"), mrmKafka.minInsyncReplicas());
        // the changelog holds every application's state: as durable as the registry's topics
        DurabilityRule.require(
                mrmKafka.allowWeakDurability(),
                "Kafka Streams replication.factor (mrm.kafka.replication-factor)",
                (Integer) config.get(StreamsConfig.REPLICATION_FACTOR_CONFIG),
                "Kafka Streams topic.min.insync.replicas (mrm.kafka.min-insync-replicas)",
                (Integer) config.get(StreamsConfig.topicPrefix("min.insync.replicas")));
        return new DecisionEngineStreams(
                DecisionEngineTopology.build(
                        names,
                        core,
                        decoder,
                        codec,
                        clock,
                        service.name(),
                        props.tickInterval(),
                        props.commitOnOutput(),
                        metrics,
                        tracing),
                config,
                meters);
    }

    /** Kafka Streams' own topics (the state store's changelog), checked at start-up like the registry's. */
    @Bean
    DurableTopics streamsInternalTopics(TopicNames names, MrmServiceProperties service) {
        String prefix = applicationId(names, service) + "-";
        return topic -> topic.startsWith(prefix) && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
    }

    /** One engine per deployment prefix: instances of it share the work, other deployments do not. */
    private static String applicationId(TopicNames names, MrmServiceProperties service) {
        return names.prefix() + service.name();
    }
}
