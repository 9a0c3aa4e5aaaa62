package io.mrm.aem.config;

import io.mrm.aem.domain.AemSyncCommandHandler;
import io.mrm.events.Topics;
import io.mrm.kafka.EventListeners;
import io.mrm.kafka.EventPublisher;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

@Configuration(proxyBeanMethods = false)
class AemSyncConfiguration {

    @Bean
    AemSyncCommandHandler commandHandler(Clock clock) {
        return new AemSyncCommandHandler(clock);
    }

    @Bean
    ConcurrentMessageListenerContainer<byte[], byte[]> commandListener(EventListeners listeners,
                                                                      AemSyncCommandHandler handler,
                                                                      EventPublisher publisher) {
        return listeners.container(Topics.EVENTS_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
