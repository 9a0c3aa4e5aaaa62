package io.mrm.health.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.health.adapter.alert.AlertIntake;
import io.mrm.health.adapter.alert.AlertRefresher;
import io.mrm.health.adapter.alert.WebhookCredentials;
import io.mrm.health.adapter.probe.BlockingProbePool;
import io.mrm.health.adapter.probe.HttpClients;
import io.mrm.health.adapter.probe.MicrometerProbeMetrics;
import io.mrm.health.adapter.probe.ProbeScheduler;
import io.mrm.health.adapter.publish.KafkaObservationSink;
import io.mrm.health.adapter.publish.ObservationIds;
import io.mrm.health.domain.AlertRoute;
import io.mrm.health.domain.AlertRouter;
import io.mrm.health.domain.AlertedComponents;
import io.mrm.health.domain.ComponentKey;
import io.mrm.health.domain.MonitorRun;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.kafka.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HealthMonitorProperties.class)
class HealthMonitorConfiguration {

    /** The scheduler's own deadline sits this far behind the probe's, as a net for a probe that hangs. */
    static final Duration SCHEDULER_MARGIN = ProbeFactory.SCHEDULER_MARGIN;

    static final int TICKER_THREADS = 2;
    static final int PUBLISH_QUEUE = 10_000;
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    static final Duration ALERT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    @Bean(destroyMethod = "close")
    HttpClients httpClients(HealthMonitorProperties props) {
        return new HttpClients(
                props.http().clients(),
                props.http().executorThreads(),
                props.http().maxIdleConnections());
    }

    @Bean(destroyMethod = "close")
    BlockingProbePool blockingProbePool(HealthMonitorProperties props) {
        return new BlockingProbePool(props.pool().threads(), props.pool().queue());
    }

    @Bean
    MonitoredTargets monitoredTargets(HealthMonitorProperties props, HttpClients clients, BlockingProbePool pool) {
        ProbeFactory factory = new ProbeFactory(clients, pool);
        return new MonitoredTargets(props.targets().stream()
                .map(target -> factory.monitored(target, props.interval()))
                .toList());
    }

    @Bean
    ObservationRule observationRule(HealthMonitorProperties props, Clock clock) {
        return new ObservationRule(props.vantage(), props.vantageRegion(), clock, ObservationIds::next);
    }

    /** One run per monitor instance (several may share a JVM, as in the sandbox): its observations' numbering. */
    @Bean
    MonitorRun monitorRun() {
        return MonitorRun.random();
    }

    @Bean
    ProbeScheduler probeScheduler(
            MonitoredTargets targets,
            ObservationRule rule,
            EventPublisher publisher,
            MonitorRun run,
            ObjectProvider<MeterRegistry> meters) {
        ProbeScheduler scheduler = new ProbeScheduler(
                targets.all(),
                rule,
                new KafkaObservationSink(publisher, run),
                new SplittableRandom(),
                TICKER_THREADS,
                PUBLISH_QUEUE,
                STOP_GRACE);
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            scheduler.recordMetricsTo(new MicrometerProbeMetrics(
                    registry,
                    targets.all().stream().map(MonitoredTarget::target).toList()));
        }
        return scheduler;
    }

    /**
     * Readiness reflects probing and publishing: no observation confirmed for three probe intervals (at
     * least 10 s) is not ready.
     */
    @Bean
    io.mrm.health.adapter.probe.ProbingHealthIndicator probingHealthIndicator(
            ProbeScheduler scheduler, HealthMonitorProperties props) {
        Duration stallAfter = props.interval().multipliedBy(3);
        return new io.mrm.health.adapter.probe.ProbingHealthIndicator(
                scheduler,
                stallAfter.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : stallAfter,
                !props.targets().isEmpty());
    }

    /** The alert webhook's work; the controller ({@code AlertWebhookController}) exists only alongside it. */
    @Bean
    @ConditionalOnProperty(prefix = "mrm.health.alerts", name = "enabled", havingValue = "true")
    AlertIntake alertIntake(HealthMonitorProperties props, EventPublisher publisher, Clock clock, MonitorRun run) {
        HealthMonitorProperties.AlertWebhook alerts = props.alerts();
        List<AlertRoute> routes = alerts.rules().stream()
                .map(rule -> new AlertRoute(
                        rule.alertName(),
                        Set.copyOf(rule.severities()),
                        rule.labels(),
                        new ComponentKey(rule.applicationId(), rule.region(), rule.component()),
                        rule.resolvedMeansUp()))
                .toList();
        WebhookCredentials credentials = new WebhookCredentials(alerts.token().reference(), alerts.username());
        if (credentials.check(null) == WebhookCredentials.Verdict.UNAVAILABLE) {
            throw new IllegalArgumentException("invalid health-monitor configuration:\n - mrm.health.alerts.token: "
                    + credentials.token() + " cannot be read");
        }
        AlertedComponents state = new AlertedComponents(
                new AlertRouter(routes, Set.copyOf(alerts.ignoredAlertNames())),
                alerts.maxAge(),
                props.vantageRegion(),
                clock,
                ObservationIds::next);
        return new AlertIntake(credentials, state, new KafkaObservationSink(publisher, run), ALERT_PUBLISH_TIMEOUT);
    }

    /** Reports the components the alerts hold on the probe cadence, between the senders' rare repeats. */
    @Bean
    @ConditionalOnProperty(prefix = "mrm.health.alerts", name = "enabled", havingValue = "true")
    AlertRefresher alertRefresher(HealthMonitorProperties props, AlertIntake intake) {
        return new AlertRefresher(intake, props.alerts().effectiveRefreshInterval(props.interval()));
    }

    static MonitoredTarget httpTarget(
            HealthMonitorProperties.Target target, Duration defaultInterval, HttpClients clients) {
        return ProbeFactory.httpTarget(target, defaultInterval, clients);
    }

    /**
     * What this instance probes; closes what the probes keep open (database connections, messaging
     * sessions) when the context stops, after the scheduler has stopped.
     */
    record MonitoredTargets(List<MonitoredTarget> all) implements AutoCloseable {

        @Override
        public void close() {
            for (MonitoredTarget target : all) {
                if (target.probe() instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        LoggerFactory.getLogger(HealthMonitorConfiguration.class)
                                .warn(
                                        "{}: closing its probe failed: {}",
                                        target.target().label(),
                                        e.toString());
                    }
                }
            }
        }
    }
}
