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

    final BlockingProbePool pool = new BlockingProbePool(2, 4);
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.close();
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
    void downWithATimeoutWhenNoConnectionComesInTime() throws Exception {
        // both pool threads and the queue are busy, so the host-name look-up never starts
        BlockingProbePool stuck = new BlockingProbePool(1, 1);
        try {
            stuck.submit(() -> release.await(10, TimeUnit.SECONDS));
            TcpProbe probe = new TcpProbe(new TcpProbe.Settings("localhost", 9, TIMEOUT), stuck);

            ProbeResult result = probe.probe().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.detail()).isEqualTo("connect timeout: no connection to localhost:9 within 500 ms");
            assertThat(result.latency()).isGreaterThanOrEqualTo(TIMEOUT);
        } finally {
            release.countDown();
            stuck.close();
        }
    }

    @Test
    void aFullPoolRefusesTheProbeAtOnce() throws Exception {
        BlockingProbePool full = new BlockingProbePool(1, 1);
        try {
            full.submit(() -> release.await(10, TimeUnit.SECONDS));
            full.submit(() -> release.await(10, TimeUnit.SECONDS));
            TcpProbe probe = new TcpProbe(new TcpProbe.Settings("localhost", 9, TIMEOUT), full);

            ProbeResult result = probe.probe().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.detail()).startsWith("not probed: all 1 blocking-probe threads are busy");
            assertThat(result.latency()).isLessThan(TIMEOUT);
        } finally {
            release.countDown();
            full.close();
        }
    }

    private ProbeResult probe(String host, int port) throws Exception {
        TcpProbe probe = new TcpProbe(new TcpProbe.Settings(host, port, TIMEOUT), pool);
        return probe.probe().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
