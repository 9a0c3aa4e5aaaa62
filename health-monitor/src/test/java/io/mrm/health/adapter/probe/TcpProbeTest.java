package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCP probe against real sockets on loopback. */
class TcpProbeTest {

    /** The connect timeout of probes that do get an answer: generous, so a busy machine cannot make one time out. */
    static final Duration ANSWERED = Duration.ofSeconds(10);
    /** The connect timeout of probes whose timeout must fire. */
    static final Duration TIMEOUT = Duration.ofMillis(500);
    /** How long a test waits for a probe's result beyond the probe's own bound (a busy machine's room). */
    static final Duration ROOM = Duration.ofSeconds(20);

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
            assertThat(result.latency()).isNotNull().isPositive().isLessThan(ANSWERED);
            server.setSoTimeout(2000);
            try (Socket accepted = server.accept()) {
                assertThat(accepted.getInputStream().read())
                        .as("the probe closed its connection")
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void hostNamesAreLookedUpOffTheTickerThread() throws Exception {
        // a name whose lookup blocks until released, and the thread it was looked up on
        CountDownLatch lookupStarted = new CountDownLatch(1);
        AtomicReference<Thread> lookedUpOn = new AtomicReference<>();
        ExecutorService ticker = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "test-ticker"));
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                HostLookups blocking = new HostLookups(host -> {
                    lookedUpOn.set(Thread.currentThread());
                    lookupStarted.countDown();
                    try {
                        if (!release.await(ROOM.toSeconds(), TimeUnit.SECONDS)) {
                            throw new java.net.UnknownHostException(host + " (never released)");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.net.UnknownHostException(host + " (interrupted)");
                    }
                    return new InetAddress[] {InetAddress.getLoopbackAddress()};
                })) {
            TcpProbe byName = new TcpProbe(
                    new TcpProbe.Settings("app.region-a.example", server.getLocalPort(), ANSWERED), blocking);
            TcpProbe byAddress =
                    new TcpProbe(new TcpProbe.Settings("127.0.0.1", server.getLocalPort(), ANSWERED), blocking);

            // the ticker starts the probe of the name, then the probe of another target, while the lookup hangs
            Future<Thread> tickerThread = ticker.submit(Thread::currentThread);
            Future<CompletableFuture<ProbeResult>> named =
                    ticker.submit(() -> byName.probe().toCompletableFuture());
            assertThat(lookupStarted.await(ROOM.toSeconds(), TimeUnit.SECONDS))
                    .as("lookup started")
                    .isTrue();
            ProbeResult other = ticker.submit(() -> byAddress.probe().toCompletableFuture())
                    .get(ROOM.toSeconds(), TimeUnit.SECONDS)
                    .get(ROOM.toSeconds(), TimeUnit.SECONDS);

            assertThat(other.status())
                    .as("the ticker went on with another target")
                    .isEqualTo(HealthStatus.UP);
            assertThat(lookedUpOn.get()).isNotSameAs(tickerThread.get());
            CompletableFuture<ProbeResult> pending = named.get(ROOM.toSeconds(), TimeUnit.SECONDS);
            assertThat(pending).as("the probe of the name waits for its lookup").isNotDone();

            release.countDown();
            ProbeResult result = pending.get(ROOM.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(HealthStatus.UP);
            assertThat(result.detail()).isEqualTo("connected to app.region-a.example:" + server.getLocalPort());
        } finally {
            release.countDown();
            ticker.shutdownNow();
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
                release.await(ROOM.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        })) {
            TcpProbe probe = new TcpProbe(new TcpProbe.Settings("app.region-a.example", 9, TIMEOUT), hanging);

            ProbeResult result =
                    probe.probe().toCompletableFuture().get(TIMEOUT.plus(ROOM).toMillis(), TimeUnit.MILLISECONDS);

            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.detail())
                    .isEqualTo("DNS: DNS lookup of app.region-a.example got no answer within 500 ms");
            assertThat(result.latency()).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(TIMEOUT.plus(ROOM));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aNameThatHangsDoesNotDelayTheLookupOfAnother() throws Exception {
        try (HostLookups lookups = new HostLookups(host -> {
            if (host.startsWith("dead")) {
                try {
                    release.await(ROOM.toSeconds(), TimeUnit.SECONDS);
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
            java.util.concurrent.CompletableFuture<java.net.InetAddress[]> alive =
                    lookups.resolve("alive.region-b.example");

            assertThat(alive.get(ROOM.toSeconds(), TimeUnit.SECONDS))
                    .containsExactly(java.net.InetAddress.getLoopbackAddress());
            // a name already being looked up is not looked up twice at once
            assertThat(lookups.resolve("dead-0.region-a.example")).isSameAs(lookups.resolve("dead-0.region-a.example"));
            assertThat(lookups.inFlight()).isEqualTo(16);
        } finally {
            release.countDown();
        }
    }

    private ProbeResult probe(String host, int port) throws Exception {
        TcpProbe probe = new TcpProbe(new TcpProbe.Settings(host, port, ANSWERED), lookups);
        return probe.probe().toCompletableFuture().get(ANSWERED.plus(ROOM).toMillis(), TimeUnit.MILLISECONDS);
    }
}
