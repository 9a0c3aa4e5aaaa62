package io.mrm.kafka.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.testsupport.LoopbackProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The readiness check against a real broker that becomes unreachable and reachable again on the same address
 * (a proxy in front of it, which the broker advertises, is closed and reopened): DOWN while it cannot be reached,
 * UP again once it can, and nothing of the check left running once it is stopped, however often it was started.
 */
class KafkaConnectivityHealthIndicatorIT {

    /** For a saturated machine; on an idle one each wait ends within seconds. */
    static final Duration BOUND = Duration.ofSeconds(90);

    final KafkaConnectivityProperties props =
            new KafkaConnectivityProperties(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(2));

    @Test
    void downWhileTheBrokerIsUnreachableUpAgainOnceItIsBackAndNoThreadLeftWhenStopped() throws Exception {
        LoopbackProxy proxy = new LoopbackProxy();
        int proxyPort = proxy.port();
        EmbeddedKafkaKraftBroker broker = advertisedAt(proxyPort);
        InetSocketAddress target = address(broker);
        // other tests' services (cached contexts) run checks of their own in this JVM: this one's are told apart by
        // its client id and by not having existed before it started
        String clientId = "connectivity-it-" + UUID.randomUUID();
        KafkaConnectivityHealthIndicator indicator = new KafkaConnectivityHealthIndicator(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + proxyPort,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                        1000,
                        AdminClientConfig.CLIENT_ID_CONFIG,
                        clientId),
                props);
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try {
            proxy.open(target);
            indicator.start();
            await("UP").atMost(BOUND).until(() -> indicator.health().getStatus().equals(Status.UP));

            proxy.close();
            await("DOWN with the broker unreachable")
                    .atMost(BOUND)
                    .until(() -> indicator.health().getStatus().equals(Status.DOWN));

            proxy.open(target);
            await("UP again with the broker back")
                    .atMost(BOUND)
                    .until(() -> indicator.health().getStatus().equals(Status.UP));

            // a restart (a context's stop and start) makes a thread and a client of its own and leaves neither
            indicator.stop();
            indicator.start();
            await("UP after the restart")
                    .atMost(BOUND)
                    .until(() -> indicator.health().getStatus().equals(Status.UP));
        } finally {
            indicator.stop();
            proxy.close();
            broker.destroy();
        }
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        await("the checker thread and the admin client's thread ended")
                .atMost(BOUND)
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .filteredOn(thread -> !before.contains(thread))
                        .extracting(Thread::getName)
                        .noneMatch(name -> name.equals("kafka-connectivity")
                                || name.equals("kafka-admin-client-thread | " + clientId)));
    }

    @Test
    void upAgainSoonOnceTheClusterAnswersOnAnotherBootstrapAddress() throws Exception {
        // the check's admin client does not re-bootstrap: when every broker it knows is gone and the cluster
        // answers elsewhere (a broker moved; here a second broker behind the second bootstrap address), only a
        // new client finds it
        LoopbackProxy toFirst = new LoopbackProxy();
        LoopbackProxy toSecond = new LoopbackProxy();
        int firstPort = toFirst.port();
        int secondPort = toSecond.port();
        EmbeddedKafkaKraftBroker first = advertisedAt(firstPort);
        EmbeddedKafkaKraftBroker second = advertisedAt(secondPort);
        KafkaConnectivityHealthIndicator indicator = new KafkaConnectivityHealthIndicator(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + firstPort + ",127.0.0.1:" + secondPort,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                        1000),
                props);
        try {
            toFirst.open(address(first));
            indicator.start();
            await("UP").atMost(BOUND).until(() -> indicator.health().getStatus().equals(Status.UP));

            toFirst.close();
            toSecond.open(address(second));
            await("DOWN while the known broker is gone")
                    .atMost(BOUND)
                    .until(() -> indicator.health().getStatus().equals(Status.DOWN));
            await("UP again with the cluster answering on the other bootstrap address")
                    .atMost(BOUND)
                    .until(() -> indicator.health().getStatus().equals(Status.UP));
        } finally {
            indicator.stop();
            toFirst.close();
            toSecond.close();
            first.destroy();
            second.destroy();
        }
    }

    private static EmbeddedKafkaKraftBroker advertisedAt(int port) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(
                Map.of("auto.create.topics.enable", "false", "advertised.listeners", "EXTERNAL://127.0.0.1:" + port));
        broker.afterPropertiesSet();
        return broker;
    }

    private static InetSocketAddress address(EmbeddedKafkaKraftBroker broker) {
        return LoopbackProxy.addressOf(broker.getBrokersAsString());
    }
}
