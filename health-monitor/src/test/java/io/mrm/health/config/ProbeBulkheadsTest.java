package io.mrm.health.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.adapter.probe.BlockingProbePool;
import io.mrm.health.adapter.probe.HttpClients;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ProbeResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The monitor's own queueing must never read as a target being down. Eight databases of a dead region
 * that accept connections and never answer (as a region whose servers hang does) are probed beside a
 * healthy TCP target, named by host name, in the other region: each blocking probe runs on a lane of its
 * own and host names are looked up on their own, so the healthy target's result never depends on them.
 */
class ProbeBulkheadsTest {

    final List<Socket> held = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Socket socket : held) {
            socket.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /** Accepts every connection and never says a word (a hung database server). */
    private int silentServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(server);
        Thread accept = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            held.add(server.accept());
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "silent-db");
        accept.setDaemon(true);
        accept.start();
        return server.getLocalPort();
    }

    @Test
    void eightHungDatabasesOfADeadRegionDoNotTurnAHealthyTcpTargetInTheOtherRegionDown() throws Exception {
        int silent = silentServer();
        ServerSocket healthy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(healthy);
        Map<String, String> props = new HashMap<>();
        props.put("mrm.health.vantage", "vantage-a");
        for (int i = 0; i < 8; i++) {
            String key = "mrm.health.targets[" + i + "].";
            props.put(key + "application-id", "orders-" + i);
            props.put(key + "region", "eu10");
            props.put(key + "component", "db");
            props.put(key + "type", "POSTGRES");
            props.put(key + "connect-timeout", "3s");
            props.put(key + "read-timeout", "3s");
            props.put(key + "postgres.jdbc-url", "jdbc:postgresql://127.0.0.1:" + silent + "/orders");
            props.put(key + "postgres.username", "monitor");
            props.put(key + "postgres.password.env", "PATH"); // any readable value: the server never asks
        }
        String key = "mrm.health.targets[8].";
        props.put(key + "application-id", "orders-0");
        props.put(key + "region", "us10");
        props.put(key + "component", "gateway");
        props.put(key + "type", "TCP");
        props.put(key + "connect-timeout", "1s");
        props.put(key + "tcp.host", "localhost"); // a name: looked up before connecting
        props.put(key + "tcp.port", Integer.toString(healthy.getLocalPort()));
        HealthMonitorProperties bound = new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate("mrm.health", HealthMonitorProperties.class);

        HttpClients clients = new HttpClients(1, 2);
        resources.add(clients);
        BlockingProbePool pool =
                new BlockingProbePool(bound.pool().threads(), bound.pool().queue());
        resources.add(pool);
        ProbeFactory factory = new ProbeFactory(clients, pool);
        List<MonitoredTarget> targets = bound.targets().stream()
                .map(t -> factory.monitored(t, Duration.ofSeconds(1)))
                .toList();
        for (MonitoredTarget t : targets) {
            if (t.probe() instanceof AutoCloseable closeable) {
                resources.add(closeable);
            }
        }

        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<ProbeResult>> databases = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                databases.add(targets.get(i).probe().probe().toCompletableFuture());
            }
            ProbeResult gateway =
                    targets.get(8).probe().probe().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(gateway.status())
                    .as("round %d: %s", round, gateway.detail())
                    .isEqualTo(HealthStatus.UP);
            for (CompletableFuture<ProbeResult> db : databases) {
                ProbeResult result = db.get(30, TimeUnit.SECONDS);
                assertThat(result.notProbed() || result.status() == HealthStatus.DOWN)
                        .as("a hung database is DOWN (or, while its own last check is stuck, not probed): %s", result)
                        .isTrue();
            }
        }
    }
}
