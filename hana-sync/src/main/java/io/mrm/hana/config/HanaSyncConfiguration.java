package io.mrm.hana.config;

import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.events.Topics;
import io.mrm.kafka.EventListeners;
import io.mrm.kafka.EventPublisher;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

@Configuration(proxyBeanMethods = false)
class HanaSyncConfiguration {

    @Bean
    HanaSyncCommandHandler commandHandler(Clock clock) {
        return new HanaSyncCommandHandler(clock);
    }

    @Bean
    ConcurrentMessageListenerContainer<byte[], byte[]> commandListener(EventListeners listeners,
                                                                      HanaSyncCommandHandler handler,
                                                                      EventPublisher publisher) {
        return listeners.container(Topics.DATA_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
