package io.mrm.dns.config;

import io.mrm.dns.adapter.InMemoryDnsRouter;
import io.mrm.dns.adapter.Rfc2136DnsRouter;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.events.Topics;
import io.mrm.kafka.EventListeners;
import io.mrm.kafka.EventPublisher;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    DnsActuatorProperties.class,
    Route53Properties.class,
    TrafficManagerProperties.class,
    Rfc2136Properties.class
})
class DnsActuatorConfiguration {

    @Bean
    DnsRouter dnsRouter(
            DnsActuatorProperties props,
            Route53Properties route53,
            TrafficManagerProperties trafficManager,
            Rfc2136Properties rfc2136,
            Clock clock) {
        return switch (props.router()) {
            case IN_MEMORY -> new InMemoryDnsRouter(props.initialRoutes());
            case ROUTE53 -> CloudDnsRouters.route53(route53, clock);
            case TRAFFIC_MANAGER -> CloudDnsRouters.trafficManager(trafficManager);
            case RFC2136 -> new Rfc2136DnsRouter(rfc2136.routerSettings());
        };
    }

    @Bean
    DnsCommandHandler dnsCommandHandler(DnsRouter router, Clock clock, DnsActuatorProperties props) {
        return new DnsCommandHandler(router, clock, props.pacing());
    }

    /**
     * Thin: each command runs on its application's lane (in order, alone; other applications' in
     * parallel) and its ack is published (and confirmed) before its offset commits.
     */
    @Bean
    ConcurrentMessageListenerContainer<byte[], byte[]> dnsCommandListener(
            EventListeners listeners, DnsCommandHandler handler, EventPublisher publisher) {
        return listeners.commandContainer(
                Topics.DNS_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
