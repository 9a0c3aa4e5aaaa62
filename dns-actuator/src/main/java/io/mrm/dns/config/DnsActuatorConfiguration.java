package io.mrm.dns.config;

import io.mrm.dns.adapter.InMemoryDnsRouter;
import io.mrm.dns.adapter.InMemoryReadinessProbe;
import io.mrm.dns.adapter.Rfc2136DnsRouter;
import io.mrm.dns.adapter.Rfc2136ReadinessProbe;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsReadinessChecker;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.Pacing;
import io.mrm.events.Topics;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.kafka.CommandBackend;
import io.mrm.kafka.CommandInput;
import io.mrm.kafka.CommandInputs;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.readiness.ReadinessProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    DnsActuatorProperties.class,
    Route53Properties.class,
    TrafficManagerProperties.class,
    Rfc2136Properties.class
})
class DnsActuatorConfiguration {

    /** The backend chosen by mrm.dns.router: its router and its read-only readiness probe. */
    @Bean
    DnsBackend<?> dnsBackend(
            DnsActuatorProperties props,
            Route53Properties route53,
            TrafficManagerProperties trafficManager,
            Rfc2136Properties rfc2136,
            Clock clock) {
        return switch (props.router()) {
            case IN_MEMORY ->
                new DnsBackend<>(
                        new InMemoryDnsRouter(props.initialRoutes()),
                        new InMemoryReadinessProbe(props.initialRoutes()));
            case ROUTE53 -> CloudDnsRouters.route53Backend(route53, clock);
            case TRAFFIC_MANAGER -> CloudDnsRouters.trafficManagerBackend(trafficManager);
            case RFC2136 -> {
                Rfc2136DnsRouter router = new Rfc2136DnsRouter(rfc2136.routerSettings());
                yield new DnsBackend<>(router, new Rfc2136ReadinessProbe(router));
            }
        };
    }

    /** The backend tag of the command metrics: route53, trafficmanager, rfc2136 or inmemory. */
    @Bean
    CommandBackend dnsCommandBackend(DnsActuatorProperties props) {
        return CommandBackend.named(props.router().name());
    }

    @Bean
    DnsRouter dnsRouter(DnsBackend<?> backend) {
        return backend.router();
    }

    /** Published by kafka-support's ReadinessPublisher every mrm.readiness.interval, unless mrm.readiness.enabled is false. */
    @Bean
    ReadinessChecker dnsReadinessChecker(DnsBackend<?> backend, Clock clock) {
        return new DnsReadinessChecker(backend.probe(), backend.router(), clock);
    }

    /** A drill's step runs the readiness checks of its action, bounded by mrm.readiness.timeout. */
    @Bean
    DnsCommandHandler dnsCommandHandler(
            DnsRouter router,
            Clock clock,
            DnsActuatorProperties props,
            ReadinessChecker checker,
            ReadinessProperties readiness) {
        Pacing pacing = props.pacing();
        return new DnsCommandHandler(
                router, clock, pacing, new Rehearsal(checker, clock, readiness.timeout(), pacing.ackMargin()));
    }

    /**
     * Thin: each command runs on its application's lane (in order, alone; other applications' in
     * parallel) and its ack is published (and confirmed) before its offset commits.
     */
    @Bean(CommandInput.FUNCTION)
    CommandInput<DnsCommand> commands(CommandInputs inputs, DnsCommandHandler handler, EventPublisher publisher) {
        return inputs.commandInput(Topics.DNS_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
