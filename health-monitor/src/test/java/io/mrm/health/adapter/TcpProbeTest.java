package io.mrm.health.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCP probe against real sockets on loopback. */
class TcpProbeTest {

    static final Duration TIMEOUT = Duration.ofMillis(500);

    final HostLookups lookups = new HostLookups();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        lookups.close();
    }

    @Test
    void upWhenThePortAcceptsAndTheConnectionIsClosedAgain() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ProbeResult result = probe("127.0.0.1", server.getLocalPort());

            assertThat(result.status()).isEqualTo(HealthStatus.UP);
            assertThat(result.detail()).isEqualTo("connected to 127.0.0.1:" + server.getLocalPort());
            assertThat(result.latency()).isNotNull().isLessThan(TIMEOUT);
            server.setSoTimeout(2000);
            try (Socket accepted = server.accept()) {
                assertThat(accepted.getInputStream().read()).as("the probe closed its connection").isEqualTo(-1);
            }
        }
    }

    @Test
    void hostNamesAreLookedUpOffTheTickerThread() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ProbeResult result = probe("localhost", server.getLocalPort());

            assertThat(result.status()).isEqualTo(HealthStatus.UP);
            assertThat(result.detail()).isEqualTo("connected to localhost:" + server.getLocalPort());
        }
    }

    @Test
    void downWhenThePortIsClosed() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        ProbeResult result = probe("127.0.0.1", closed);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("cannot connect to 127.0.0.1:" + closed + ": connection refused");
    }

    @Test
    void aLookupThatNeverAnswersIsDownWithinTheConnectTimeoutAndSaysItWasDns() throws Exception {
        // the resolver hangs (a dead region's DNS zone): the probe gives up at its connect timeout
        try (HostLookups hanging = new HostLookups(host -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        })) {
            TcpProbe probe = new TcpProbe(new TcpProbe.Settings("app.region-a.example", 9, TIMEOUT), hanging);

            ProbeResult result = probe.probe().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.detail()).isEqualTo("DNS: DNS lookup of app.region-a.example got no answer within 500 ms");
            assertThat(result.latency()).isGreaterThanOrEqualTo(TIMEOUT);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aNameThatHangsDoesNotDelayTheLookupOfAnother() throws Exception {
        try (HostLookups lookups = new HostLookups(host -> {
            if (host.startsWith("dead")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new java.net.UnknownHostException(host);
            }
            return new java.net.InetAddress[] {java.net.InetAddress.getLoopbackAddress()};
        })) {
            for (int i = 0; i < 16; i++) {
                lookups.resolve("dead-" + i + ".region-a.example"); // sixteen hung names, each on its own thread
            }
            java.util.concurrent.CompletableFuture<java.net.InetAddress[]> alive = lookups.resolve("alive.region-b.example");

            assertThat(alive.get(5, TimeUnit.SECONDS)).containsExactly(java.net.InetAddress.getLoopbackAddress());
            // a name already being looked up is not looked up twice at once
            assertThat(lookups.resolve("dead-0.region-a.example")).isSameAs(lookups.resolve("dead-0.region-a.example"));
            assertThat(lookups.inFlight()).isEqualTo(16);
        } finally {
            release.countDown();
        }
    }

    private ProbeResult probe(String host, int port) throws Exception {
        TcpProbe probe = new TcpProbe(new TcpProbe.Settings(host, port, TIMEOUT), lookups);
        return probe.probe().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
