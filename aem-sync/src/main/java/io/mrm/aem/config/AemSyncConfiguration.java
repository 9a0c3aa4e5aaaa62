package io.mrm.aem.config;

import io.mrm.aem.adapter.ConfiguredEventBrokers;
import io.mrm.aem.adapter.JcsmpDeliveryCheck;
import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempReplicatedVpn;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.aem.domain.AemSyncCommandHandler;
import io.mrm.aem.domain.EventBrokers;
import io.mrm.aem.domain.Sleeper;
import io.mrm.events.Topics;
import io.mrm.kafka.EventListeners;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.MrmServiceProperties;
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
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

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

    @Bean
    EventBrokers eventBrokers(AemSyncProperties props, ExecutorService sempExecutor) {
        // certificates are verified with the JVM's trust store (javax.net.ssl.trustStore for a private CA);
        // redirects are not followed, so the credentials go nowhere but the configured broker
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(props.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(sempExecutor)
                .build();
        Map<String, Map<String, ConfiguredEventBrokers.Site>> sites = new LinkedHashMap<>();
        props.applications()
                .forEach((app, application) -> application.regions().forEach((region, settings) -> {
                    SempCredentials credentials = settings.bearerToken() != null
                            ? new SempCredentials.Bearer(settings.bearerToken().reference())
                            : new SempCredentials.Basic(
                                    settings.username().trim(),
                                    settings.password().reference());
                    SempV2Client semp = new SempV2Client(
                            http, URI.create(settings.sempUrl().trim()), credentials, props.requestTimeout());
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

    @Bean
    AemSyncCommandHandler commandHandler(
            EventBrokers brokers, AemSyncProperties props, MrmServiceProperties service, Clock clock) {
        return new AemSyncCommandHandler(brokers, props.limits(), service.instance(), clock, Sleeper.THREAD);
    }

    /**
     * Thin: each command runs on its application's lane (in order, alone; other applications' in
     * parallel) and its ack is published (and confirmed) before its offset commits.
     */
    @Bean
    ConcurrentMessageListenerContainer<byte[], byte[]> commandListener(
            EventListeners listeners, AemSyncCommandHandler handler, EventPublisher publisher) {
        return listeners.commandContainer(
                Topics.EVENTS_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }
}
