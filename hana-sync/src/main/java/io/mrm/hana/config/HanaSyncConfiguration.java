package io.mrm.hana.config;

import io.mrm.events.Topics;
import io.mrm.hana.adapter.InMemoryDataReplication;
import io.mrm.hana.adapter.NoDataReplication;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.kafka.EventListeners;
import io.mrm.kafka.EventPublisher;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DataSyncProperties.class)
class HanaSyncConfiguration {

    @Bean
    DataReplication dataReplication(DataSyncProperties props) {
        return switch (props.backend()) {
            case NONE -> new NoDataReplication();
            case IN_MEMORY -> new InMemoryDataReplication();
            default -> throw new IllegalStateException("mrm.data.backend " + props.backend() + " is not available yet");
        };
    }

    @Bean
    HanaSyncCommandHandler commandHandler(DataReplication replication, Clock clock) {
        return new HanaSyncCommandHandler(replication, clock);
    }

    /** Thin: each command is executed and its ack published (and confirmed) before the offset commits. */
    @Bean
    ConcurrentMessageListenerContainer<byte[], byte[]> commandListener(EventListeners listeners,
                                                                      HanaSyncCommandHandler handler,
                                                                      EventPublisher publisher) {
        return listeners.container(Topics.DATA_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
