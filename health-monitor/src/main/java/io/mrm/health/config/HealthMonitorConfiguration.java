package io.mrm.health.config;

import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.HttpClients;
import io.mrm.health.adapter.HttpProbe;
import io.mrm.health.adapter.KafkaObservationSink;
import io.mrm.health.adapter.ProbeScheduler;
import io.mrm.health.adapter.StatusRange;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.health.domain.ProbeTarget;
import io.mrm.kafka.EventPublisher;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HealthMonitorProperties.class)
class HealthMonitorConfiguration {

    /** The scheduler's own deadline sits this far behind the probe's, as a net for a probe that hangs. */
    static final Duration SCHEDULER_MARGIN = Duration.ofSeconds(1);
    static final int TICKER_THREADS = 2;
    static final int PUBLISH_QUEUE = 10_000;
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @Bean
    HttpClients httpClients() {
        return new HttpClients();
    }

    @Bean
    ProbeScheduler probeScheduler(HealthMonitorProperties props, HttpClients clients, EventPublisher publisher,
                                  Clock clock) {
        List<MonitoredTarget> targets = props.targets().stream()
                .map(target -> httpTarget(target, props.interval(), clients))
                .toList();
        ObservationRule rule = new ObservationRule(props.vantage(), clock, () -> UUID.randomUUID().toString());
        return new ProbeScheduler(targets, rule, new KafkaObservationSink(publisher), new SplittableRandom(),
                TICKER_THREADS, PUBLISH_QUEUE, STOP_GRACE);
    }

    static MonitoredTarget httpTarget(HealthMonitorProperties.Target target, Duration defaultInterval,
                                      HttpClients clients) {
        HttpProbe.Settings settings = new HttpProbe.Settings(URI.create(target.url().trim()),
                StatusRange.parse(target.expectedStatus()), target.bodyContains(), target.connectTimeout(),
                target.readTimeout());
        ProbeTarget probeTarget = new ProbeTarget(target.applicationId(), target.region(), target.component(),
                ProbeKind.HTTP, target.effectiveInterval(defaultInterval), settings.deadline().plus(SCHEDULER_MARGIN));
        return new MonitoredTarget(probeTarget, new HttpProbe(clients.withConnectTimeout(settings.connectTimeout()),
                settings));
    }
}
