package io.mrm.hana.config;

import io.mrm.events.Topics;
import io.mrm.events.command.DataCommand;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.hana.adapter.InMemoryDataReplication;
import io.mrm.hana.adapter.NoDataReplication;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication;
import io.mrm.hana.adapter.postgres.PostgresDebeziumReplication;
import io.mrm.hana.adapter.postgres.PostgresReadiness;
import io.mrm.hana.domain.DataReadiness;
import io.mrm.hana.domain.DataReadinessChecker;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.kafka.CommandBackend;
import io.mrm.kafka.CommandInput;
import io.mrm.kafka.CommandInputs;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.readiness.ReadinessProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DataSyncProperties.class, PostgresProperties.class, HanaProperties.class})
class HanaSyncConfiguration {

    /** Closed on shutdown: each Debezium engine stops and its thread ends. */
    @Bean(destroyMethod = "close")
    DataReplication dataReplication(DataSyncProperties props, PostgresProperties postgres, HanaProperties hana) {
        return switch (props.backend()) {
            case NONE -> new NoDataReplication();
            case IN_MEMORY -> new InMemoryDataReplication();
            case POSTGRES_DEBEZIUM -> {
                PostgresDebeziumReplication replication =
                        new PostgresDebeziumReplication(postgres.applicationSettings());
                // captures start once the command partitions are assigned (see CaptureOwnershipListener)
                replication.awaitAssignment();
                replication.start();
                yield replication;
            }
            case HANA -> {
                HanaRemoteSubscriptionReplication replication = hana.replication();
                replication.start();
                yield replication;
            }
        };
    }

    /** Readiness: the capture of every application streams (not checked for the other backends). */
    /** The backend tag of the command metrics: hana, postgres, inmemory or none. */
    @Bean
    CommandBackend dataCommandBackend(DataSyncProperties props) {
        return CommandBackend.named(
                props.backend() == DataSyncProperties.Backend.POSTGRES_DEBEZIUM
                        ? "postgres"
                        : props.backend().name());
    }

    @Bean
    HealthIndicator replicationHealthIndicator(DataReplication replication) {
        return new AbstractHealthIndicator() {
            @Override
            protected void doHealthCheck(Health.Builder builder) {
                if (!(replication instanceof PostgresDebeziumReplication postgres)) {
                    builder.up();
                    return;
                }
                postgres.failures().forEach(builder::withDetail);
                // a standby nobody should capture for (after a promote, until re-protect) is not a failure
                postgres.unprotected().forEach((app, why) -> builder.withDetail(app, why));
                if (postgres.ready()) {
                    builder.up();
                } else {
                    builder.down();
                }
            }
        };
    }

    /** The read-only side of the configured backend, for the readiness checks. */
    @Bean
    DataReadiness dataReadiness(
            DataSyncProperties props, PostgresProperties postgres, HanaProperties hana, DataReplication replication) {
        return switch (props.backend()) {
            case NONE, IN_MEMORY -> (DataReadiness) replication;
            case POSTGRES_DEBEZIUM -> new PostgresReadiness(postgres.applicationSettings());
            case HANA -> hana.readiness();
        };
    }

    /**
     * Published by kafka-support's ReadinessPublisher every {@code mrm.readiness.interval}. Both regions are
     * checked at once, each within three quarters of {@code mrm.readiness.timeout}, so a database that hangs
     * is reported UNKNOWN here, with its region named, before the publisher gives up on the whole report.
     */
    @Bean
    ReadinessChecker dataReadinessChecker(DataReadiness readiness, Clock clock, ReadinessProperties properties) {
        return new DataReadinessChecker(
                readiness, clock, properties.timeout().multipliedBy(3).dividedBy(4));
    }

    /** A drill's step runs the readiness checks of its action, bounded by mrm.readiness.timeout. */
    @Bean
    HanaSyncCommandHandler commandHandler(
            DataReplication replication, Clock clock, ReadinessChecker checker, ReadinessProperties readiness) {
        return new HanaSyncCommandHandler(
                replication,
                clock,
                new Rehearsal(checker, clock, readiness.timeout(), HanaSyncCommandHandler.ACK_MARGIN));
    }

    /**
     * Thin: each command runs on its application's lane (in order, alone; other applications' in
     * parallel) and its ack is published (and confirmed) before its offset commits. Captures follow
     * the command partitions; one leaving is told after the commands running for it have ended.
     */
    @Bean(CommandInput.FUNCTION)
    CommandInput<DataCommand> commands(
            CommandInputs inputs,
            HanaSyncCommandHandler handler,
            EventPublisher publisher,
            DataReplication replication) {
        return inputs.commandInput(
                Topics.DATA_COMMANDS,
                command -> publisher.publishAndWait(handler.handle(command)),
                replication instanceof PostgresDebeziumReplication postgres
                        ? new CaptureOwnershipListener(postgres, postgres.applicationIds())
                        : null);
    }
}
