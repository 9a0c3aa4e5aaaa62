package io.mrm.kafka.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
        int proxyPort = freePort();
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "false", "advertised.listeners", "EXTERNAL://127.0.0.1:" + proxyPort));
        broker.afterPropertiesSet();
        String[] target = broker.getBrokersAsString().split(":");
        Proxy proxy = new Proxy(proxyPort, new InetSocketAddress(target[0], Integer.parseInt(target[1])));
        KafkaConnectivityHealthIndicator indicator = new KafkaConnectivityHealthIndicator(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + proxyPort,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                        1000),
                props);
        try {
            proxy.open();
            indicator.start();
            await("UP").atMost(BOUND).until(() -> indicator.health().getStatus().equals(Status.UP));

            proxy.close();
            await("DOWN with the broker unreachable")
                    .atMost(BOUND)
                    .until(() -> indicator.health().getStatus().equals(Status.DOWN));

            proxy.open();
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
                        .extracting(Thread::getName)
                        .noneMatch(name ->
                                name.equals("kafka-connectivity") || name.startsWith("kafka-admin-client-thread")));
    }

    @Test
    void upAgainSoonOnceTheClusterAnswersOnAnotherBootstrapAddress() throws Exception {
        // the check's admin client does not re-bootstrap: when every broker it knows is gone and the cluster
        // answers elsewhere (a broker moved; here a second broker behind the second bootstrap address), only a
        // new client finds it
        int firstPort = freePort();
        int secondPort = freePort();
        EmbeddedKafkaKraftBroker first = advertisedAt(firstPort);
        EmbeddedKafkaKraftBroker second = advertisedAt(secondPort);
        Proxy toFirst = new Proxy(firstPort, address(first));
        Proxy toSecond = new Proxy(secondPort, address(second));
        KafkaConnectivityHealthIndicator indicator = new KafkaConnectivityHealthIndicator(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + firstPort + ",127.0.0.1:" + secondPort,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                        1000),
                props);
        try {
            toFirst.open();
            indicator.start();
            await("UP").atMost(BOUND).until(() -> indicator.health().getStatus().equals(Status.UP));

            toFirst.close();
            toSecond.open();
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
        String[] hostPort = broker.getBrokersAsString().split(":");
        return new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    }

    /** Forwards connections on a fixed loopback port to the broker; closing it drops them all. */
    static final class Proxy {
        private final int port;
        private final InetSocketAddress target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile ServerSocket server;

        Proxy(int port, InetSocketAddress target) {
            this.port = port;
            this.target = target;
        }

        void open() throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = socket;
            daemon(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        Socket upstream = new Socket(target.getAddress(), target.getPort());
                        sockets.add(client);
                        sockets.add(upstream);
                        daemon(() -> pump(client, upstream));
                        daemon(() -> pump(upstream, client));
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        void close() throws IOException {
            ServerSocket socket = server;
            if (socket != null) {
                socket.close();
            }
            for (Socket s : sockets) {
                s.close();
            }
            sockets.clear();
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed: the other follows
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }

        private static void daemon(Runnable task) {
            Thread thread = new Thread(task, "test-proxy");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
