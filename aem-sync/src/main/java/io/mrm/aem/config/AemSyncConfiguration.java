package io.mrm.aem.config;

import io.mrm.aem.adapter.ConfiguredEventBrokers;
import io.mrm.aem.adapter.ConfiguredVpnInspections;
import io.mrm.aem.adapter.JcsmpDeliveryCheck;
import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempReplicatedVpn;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.aem.adapter.SempVpnInspection;
import io.mrm.aem.domain.AemSyncCommandHandler;
import io.mrm.aem.domain.EventBrokers;
import io.mrm.aem.domain.EventsReadinessChecker;
import io.mrm.aem.domain.Sleeper;
import io.mrm.aem.domain.VpnInspection;
import io.mrm.aem.domain.VpnInspections;
import io.mrm.events.Topics;
import io.mrm.events.command.EventsCommand;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.kafka.CommandBackend;
import io.mrm.kafka.CommandInput;
import io.mrm.kafka.CommandInputs;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.MrmServiceProperties;
import io.mrm.kafka.readiness.ReadinessProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AemSyncProperties.class)
class AemSyncConfiguration {

    /**
     * The SEMP clients' thread pool. Commands of different applications run at once, and the JDK client
     * resolves host names on this executor: a fixed pair of threads, both stuck in a lookup of a dead
     * region's broker name, would stall every application's SEMP calls. Threads are made on demand.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService sempExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "semp-http-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Certificates are verified with the JVM's trust store (javax.net.ssl.trustStore for a private CA);
     * redirects are not followed, so the credentials go nowhere but the configured broker.
     */
    private static HttpClient sempHttp(AemSyncProperties props, ExecutorService sempExecutor) {
        return HttpClient.newBuilder()
                .connectTimeout(props.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(sempExecutor)
                .build();
    }

    private static SempV2Client semp(HttpClient http, AemSyncProperties props, AemSyncProperties.Region settings) {
        SempCredentials credentials = settings.bearerToken() != null
                ? new SempCredentials.Bearer(settings.bearerToken().reference())
                : new SempCredentials.Basic(
                        settings.username().trim(), settings.password().reference());
        return new SempV2Client(http, URI.create(settings.sempUrl().trim()), credentials, props.requestTimeout());
    }

    @Bean
    EventBrokers eventBrokers(AemSyncProperties props, ExecutorService sempExecutor) {
        HttpClient http = sempHttp(props, sempExecutor);
        Map<String, Map<String, ConfiguredEventBrokers.Site>> sites = new LinkedHashMap<>();
        props.applications()
                .forEach((app, application) -> application.regions().forEach((region, settings) -> {
                    SempV2Client semp = semp(http, props, settings);
                    JcsmpDeliveryCheck check = null;
                    AemSyncProperties.DeliveryCheck dc = settings.deliveryCheck();
                    if (dc != null) {
                        check = new JcsmpDeliveryCheck(new JcsmpDeliveryCheck.Settings(
                                dc.host().trim(),
                                dc.vpn() != null ? dc.vpn() : settings.vpn(),
                                dc.username().trim(),
                                dc.password().reference(),
                                dc.queue().trim(),
                                dc.topic() == null || dc.topic().isBlank()
                                        ? null
                                        : dc.topic().trim(),
                                dc.connectTimeout(),
                                dc.trustStore() == null || dc.trustStore().isBlank()
                                        ? null
                                        : Path.of(dc.trustStore().trim()),
                                dc.trustStorePassword() == null
                                        ? null
                                        : dc.trustStorePassword().reference()));
                    }
                    sites.computeIfAbsent(app, a -> new LinkedHashMap<>())
                            .put(
                                    region,
                                    new ConfiguredEventBrokers.Site(
                                            new SempReplicatedVpn(semp, settings.vpn()), check));
                }));
        return new ConfiguredEventBrokers(sites);
    }

    /** The read-only side of the same brokers, for the readiness checks. */
    @Bean
    VpnInspections vpnInspections(AemSyncProperties props, ExecutorService sempExecutor) {
        HttpClient http = sempHttp(props, sempExecutor);
        Map<String, Map<String, VpnInspection>> sites = new LinkedHashMap<>();
        props.applications()
                .forEach((app, application) -> application.regions().forEach((region, settings) -> {
                    AemSyncProperties.DeliveryCheck dc = settings.deliveryCheck();
                    String queueVpn = dc == null ? null : dc.vpn() != null ? dc.vpn() : settings.vpn();
                    String queue = dc == null ? null : dc.queue().trim();
                    sites.computeIfAbsent(app, a -> new LinkedHashMap<>())
                            .put(
                                    region,
                                    new SempVpnInspection(
                                            semp(http, props, settings), settings.vpn(), queueVpn, queue));
                }));
        return new ConfiguredVpnInspections(sites);
    }

    /**
     * The checks ReadinessPublisher runs on mrm.readiness.interval. Their reads end within nine tenths of
     * mrm.readiness.timeout, so that a broker that never answers is reported by the check that waited for
     * it, not only as the publisher's timeout.
     */
    @Bean
    ReadinessChecker readinessChecker(
            VpnInspections inspections, AemSyncProperties props, ReadinessProperties readiness, Clock clock) {
        return new EventsReadinessChecker(
                inspections,
                props.brokerFencing(),
                readiness.timeout().multipliedBy(9).dividedBy(10),
                clock);
    }

    /** A drill's step runs the readiness checks of its action, bounded by mrm.readiness.timeout. */
    @Bean
    AemSyncCommandHandler commandHandler(
            EventBrokers brokers,
            AemSyncProperties props,
            MrmServiceProperties service,
            Clock clock,
            ReadinessChecker checker,
            ReadinessProperties readiness) {
        return new AemSyncCommandHandler(
                brokers,
                props.limits(),
                service.instance(),
                clock,
                Sleeper.THREAD,
                new Rehearsal(
                        checker, clock, readiness.timeout(), props.limits().ackMargin()));
    }

    /**
     * Thin: each command runs on its application's lane (in order, alone; other applications' in
     * parallel) and its ack is published (and confirmed) before its offset commits.
     */
    /** The backend tag of the command metrics: every broker is driven through SEMP v2. */
    @Bean
    CommandBackend eventsCommandBackend() {
        return CommandBackend.named("semp");
    }

    @Bean(CommandInput.FUNCTION)
    CommandInput<EventsCommand> commands(
            CommandInputs inputs, AemSyncCommandHandler handler, EventPublisher publisher) {
        return inputs.commandInput(
                Topics.EVENTS_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
