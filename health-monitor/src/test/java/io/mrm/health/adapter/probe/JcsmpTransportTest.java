package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import io.mrm.health.domain.ProbeTarget;
import io.mrm.health.domain.RoundTripProbe;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real JCSMP client, through {@link JcsmpTransport} and {@link RoundTripProbe}, against what can run
 * here: a closed loopback port, a loopback server that accepts and never answers (plain and TLS). A
 * Solace broker cannot run here (SMF is proprietary), so a full round trip is shown by
 * {@code JcsmpProbeLiveIT} against a real broker, and the round-trip logic by {@code RoundTripProbeTest}.
 */
class JcsmpTransportTest {

    static final String PASSWORD = "jcsmp-probe-secret";
    /**
     * JCSMP's connect timeout: generous, so that a busy machine's connect and TLS handshake (the first one
     * loads the JCSMP and TLS classes) never time out; the tests whose timeout must fire wait on the login.
     */
    static final Duration CONNECT = Duration.ofSeconds(10);
    /** JCSMP's read timeout: the login a silent server never answers is given up after it. */
    static final Duration READ = Duration.ofMillis(1000);
    /**
     * As ProbeFactory sets it, connect + read timeout + a margin for JCSMP's own timeouts to fire first; the
     * margin here is generous, so that JCSMP's timeout fires first on a busy machine too.
     */
    static final Duration DEADLINE = CONNECT.plus(READ).plusSeconds(10);
    /** A probe's bound plus room for a busy machine. */
    static final Duration BOUND = DEADLINE.plusSeconds(10);

    @TempDir
    static Path tls;

    static SSLContext brokerTls;
    static Path trustStore;

    final BlockingProbePool pool = new BlockingProbePool(2, 4);
    final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeABrokerCertificate() throws Exception {
        // a self-signed certificate for 127.0.0.1, as a broker might have, and a trust store holding it
        Path keyStore = tls.resolve("broker.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "broker",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "san=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keyStore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        brokerTls = SSLContext.getInstance("TLS");
        brokerTls.init(kmf.getKeyManagers(), null, null);

        Certificate certificate = keys.getCertificate("broker");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", certificate);
        trustStore = tls.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, "trust-pw".toCharArray());
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        pool.close();
    }

    @Test
    void aClosedPortIsDownWithConnectionRefused() throws Exception {
        int port = closedPort();
        RoundTripProbe probe = probe(settings("tcp://127.0.0.1:" + port));

        ProbeResult result = probe.probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        // the refusal itself, not a timeout waited out
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("cannot connect to tcp://127.0.0.1:" + port + ": connection refused");
        assertThat(result.latency()).isLessThan(DEADLINE);
    }

    @Test
    void aServerThatNeverAnswersIsDownWithATimeoutAndTheNextRoundReconnects() throws Exception {
        SilentLoopbackServer server = track(new SilentLoopbackServer(null));
        RoundTripProbe probe = probe(settings("tcp://127.0.0.1:" + server.port()));
        JcsmpTransport transport = (JcsmpTransport) probe.transport();

        ProbeResult first = probe.probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(first.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(first.detail())
                .isEqualTo("timeout: tcp://127.0.0.1:" + server.port() + " accepted the connection "
                        + "but did not answer the login within 1000 ms")
                .doesNotContain(PASSWORD);
        // JCSMP's own read timeout fired: not sooner, and before the probe's deadline
        assertThat(first.latency()).isGreaterThanOrEqualTo(READ).isLessThan(DEADLINE);
        await("the next round opens a new session")
                .atMost(BOUND.multipliedBy(2))
                .untilAsserted(() -> {
                    ProbeResult next = probe.probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(next.detail()).startsWith("timeout: ");
                    assertThat(transport.sessionsOpened()).isEqualTo(2);
                });
        assertThat(server.maxOpenAtOnce()).as("one connection at a time").isEqualTo(1);
    }

    @Test
    void aHangingBrokerDoesNotDelayTheSchedulersOtherTargets() throws Exception {
        SilentLoopbackServer server = track(new SilentLoopbackServer(null));
        RoundTripProbe jcsmp = probe(settings("tcp://127.0.0.1:" + server.port()));
        // how often the fast target was probed while each JCSMP round that timed out was in flight
        AtomicInteger fastProbes = new AtomicInteger();
        List<Integer> fastProbesDuringARound = new CopyOnWriteArrayList<>();
        Probe watchedJcsmp = () -> {
            int before = fastProbes.get();
            return jcsmp.probe().thenApply(result -> {
                if (result.detail().startsWith("timeout: ")) {
                    fastProbesDuringARound.add(fastProbes.get() - before);
                }
                return result;
            });
        };
        Probe fast = () -> {
            fastProbes.incrementAndGet();
            return CompletableFuture.completedFuture(ProbeResult.up(Duration.ZERO, "ok"));
        };
        List<HealthObservation> published = new CopyOnWriteArrayList<>();
        ProbeScheduler scheduler = new ProbeScheduler(
                List.of(
                        new MonitoredTarget(
                                target("aem-messaging", ProbeKind.AEM_MESSAGING, Duration.ofMillis(200)), watchedJcsmp),
                        new MonitoredTarget(target("app", ProbeKind.HTTP, Duration.ofMillis(50)), fast)),
                new ObservationRule(
                        "vantage-t", Clock.systemUTC(), () -> UUID.randomUUID().toString()),
                observation -> {
                    published.add(observation);
                    return CompletableFuture.completedFuture(null);
                },
                new SplittableRandom(3),
                1,
                1000,
                Duration.ofSeconds(1));
        scheduler.start();
        try {
            await("three JCSMP rounds")
                    .atMost(BOUND.multipliedBy(4))
                    .until(() -> of(published, "aem-messaging").size() >= 3);
        } finally {
            scheduler.stop();
        }

        assertThat(of(published, "aem-messaging"))
                .allSatisfy(o -> {
                    assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
                    // a tick that comes while JCSMP is still trying says so rather than starting a second connect
                    assertThat(o.detail()).matches("timeout: .*|previous round trip \\(.*\\) is still connecting; .*");
                    assertThat(o.probe()).isEqualTo(ProbeKind.AEM_MESSAGING);
                })
                .anySatisfy(o -> assertThat(o.detail()).startsWith("timeout: ").contains("127.0.0.1:" + server.port()));
        // one ticker thread serves both targets. A round lasts at least JCSMP's read timeout (1 s, 20 of the fast
        // target's intervals); had it held the ticker, the fast target would not have been probed during it at all
        assertThat(fastProbesDuringARound)
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(2));
        assertThat(server.maxOpenAtOnce())
                .as("never more than one round trip in flight")
                .isEqualTo(1);
    }

    @Test
    void tlsVerifiesTheBrokersCertificateByDefault() throws Exception {
        SilentLoopbackServer server = track(new SilentLoopbackServer(brokerTls));
        RoundTripProbe probe = probe(settings("tcps://127.0.0.1:" + server.port()));

        ProbeResult result = probe.probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .startsWith("TLS handshake with tcps://127.0.0.1:" + server.port() + " failed: ")
                .contains("certification path");
        assertThat(server.handshakes()).isZero();
    }

    @Test
    void aTrustStoreThatHoldsTheBrokersCertificateGetsPastTheHandshake() throws Exception {
        SilentLoopbackServer server = track(new SilentLoopbackServer(brokerTls));
        JcsmpTransport.Settings trusting = new JcsmpTransport.Settings(
                "tcps://127.0.0.1:" + server.port(),
                "shop",
                "mrm-probe",
                SecretReference.literal(PASSWORD),
                "mrm/probe/vantage-t",
                "mrm-probe-vantage-t",
                CONNECT,
                READ,
                true,
                trustStore,
                SecretReference.literal("trust-pw"));
        RoundTripProbe probe = probe(trusting);

        ProbeResult result = probe.probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(server.handshakes()).isEqualTo(1);
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).startsWith("timeout: ");
    }

    @Test
    void aPasswordThatCannotBeReadIsDownNamingTheReferenceNotAValue() throws Exception {
        SilentLoopbackServer server = track(new SilentLoopbackServer(null));
        JcsmpTransport.Settings unset = new JcsmpTransport.Settings(
                "tcp://127.0.0.1:" + server.port(),
                "shop",
                "mrm-probe",
                SecretReference.env("MRM_AEM_PASSWORD", Map.of()),
                "mrm/probe/vantage-t",
                "mrm-probe-vantage-t",
                CONNECT,
                READ,
                true,
                null,
                null);

        ProbeResult result = probe(unset).probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("credential not available: environment variable MRM_AEM_PASSWORD is not set");
        assertThat(server.accepted()).isZero();
    }

    @Test
    void jcsmpStartsNoThreadThatKeepsTheJvmAlive() throws Exception {
        SilentLoopbackServer server = track(new SilentLoopbackServer(null));
        RoundTripProbe probe = probe(settings("tcp://127.0.0.1:" + server.port()));
        probe.probe().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        // JCSMP's reactor (Netty) threads live as long as the JVM, so they must be daemons; checked while in use
        Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
        Set<String> jcsmpThreads = threads.entrySet().stream()
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().startsWith("io.netty.")
                                || f.getClassName().startsWith("com.solacesystems.")
                                || f.getClassName().startsWith("com.solace.")))
                .map(e -> e.getKey().getName() + (e.getKey().isDaemon() ? "" : " (not a daemon)"))
                .collect(Collectors.toSet());

        assertThat(jcsmpThreads)
                .as("threads running JCSMP or Netty code")
                .isNotEmpty()
                .allSatisfy(name -> assertThat(name).doesNotEndWith("(not a daemon)"));
    }

    @Test
    void theDescriptionNamesBrokerVpnTopicAndQueueButNoCredential() {
        JcsmpTransport transport = new JcsmpTransport(settings("tcps://mr.example.com:55443"), pool);

        assertThat(transport.describe())
                .isEqualTo(
                        "topic mrm/probe/vantage-t -> queue mrm-probe-vantage-t on tcps://mr.example.com:55443, VPN shop");
    }

    private RoundTripProbe probe(JcsmpTransport.Settings settings) {
        RoundTripProbe probe = new RoundTripProbe(
                new JcsmpTransport(settings, pool),
                new RoundTripProbe.Settings(DEADLINE, Duration.ofMillis(500)),
                () -> UUID.randomUUID().toString(),
                System::nanoTime);
        resources.add(probe);
        return probe;
    }

    private static JcsmpTransport.Settings settings(String host) {
        return new JcsmpTransport.Settings(
                host,
                "shop",
                "mrm-probe",
                SecretReference.literal(PASSWORD),
                "mrm/probe/vantage-t",
                "mrm-probe-vantage-t",
                CONNECT,
                READ,
                true,
                null,
                null);
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private static ProbeTarget target(String component, ProbeKind kind, Duration interval) {
        return new ProbeTarget("shop", "region-a", component, kind, interval, DEADLINE.plus(Duration.ofSeconds(1)));
    }

    private static List<HealthObservation> of(List<HealthObservation> published, String component) {
        return published.stream().filter(o -> o.component().equals(component)).toList();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
