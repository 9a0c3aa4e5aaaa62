package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.observation.HealthStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The round-trip logic against an in-memory broker: correlation, timing, judgement, one round at a time. */
class RoundTripProbeTest {

    static final Duration DEADLINE = Duration.ofMillis(300);
    final InMemoryRoundTripTransport broker = new InMemoryRoundTripTransport();
    final AtomicInteger tokenCount = new AtomicInteger();
    final RoundTripProbe probe = probe(DEADLINE);
    /**
     * For the tests whose claim is not the deadline but happens while a round is open: the test thread must
     * act before the round times out, which a 300 ms deadline does not leave a busy machine room for.
     */
    static final Duration ROOMY_DEADLINE = Duration.ofSeconds(5);

    RoundTripProbe probe(Duration deadline) {
        return new RoundTripProbe(
                broker,
                new RoundTripProbe.Settings(deadline, Duration.ofMillis(50)),
                () -> "token-" + tokenCount.incrementAndGet(),
                broker.clock::get);
    }

    @Test
    void aMessageThatComesBackIsUpWithItsRoundTripLatencyNotCountingTheConnect() throws Exception {
        broker.connectTime = Duration.ofMillis(400);
        broker.transit = Duration.ofMillis(12);

        ProbeResult result = run();

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.latency()).isEqualTo(Duration.ofMillis(12));
        assertThat(result.detail())
                .isEqualTo("persistent message round trip in 12 ms (topic mrm/probe -> queue "
                        + "mrm-probe on tcp://broker.test:55555, VPN shop)");
        assertThat(broker.resets).hasValue(0);
    }

    @Test
    void aRoundTripSlowerThanTheMaximumIsDegraded() throws Exception {
        broker.transit = Duration.ofMillis(80);

        ProbeResult result = run();

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.latency()).isEqualTo(Duration.ofMillis(80));
        assertThat(result.detail())
                .startsWith("persistent message round trip in 80 ms")
                .endsWith(", over the maximum of 50 ms");
    }

    @Test
    void eachRoundSendsAFreshTokenAndKeepsTheSession() throws Exception {
        run();
        run();

        assertThat(broker.sent).containsExactly("token-1", "token-2");
        assertThat(broker.resets).hasValue(0);
    }

    @Test
    void aLateMessageOfAnEarlierRoundDoesNotCountForTheNextOne() throws Exception {
        RoundTripProbe probe = probe(ROOMY_DEADLINE);
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.ACK_ONLY;
        ProbeResult first = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(first.status()).isEqualTo(HealthStatus.DOWN);

        CompletableFuture<ProbeResult> second = probe.probe().toCompletableFuture();
        broker.deliverHeld(); // token-1 (late) and token-2 arrive in that order
        ProbeResult result = second.get(30, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(probe.strays()).isEqualTo(1);
    }

    @Test
    void onlyTheLateMessageArrivingIsStillATimeout() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.ACK_ONLY;
        run();
        CompletableFuture<ProbeResult> second = probe.probe().toCompletableFuture();
        broker.deliverForeign("token-1");

        ProbeResult result = second.get(30, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .startsWith("timeout: probe message acknowledged but not received back within 300 ms");
        assertThat(probe.strays()).isEqualTo(1);
    }

    @Test
    void messagesWithoutTheRoundsTokenAreIgnored() throws Exception {
        RoundTripProbe probe = probe(ROOMY_DEADLINE);
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.ACK_ONLY;
        CompletableFuture<ProbeResult> round = probe.probe().toCompletableFuture();
        broker.deliverForeign(null);
        broker.deliverForeign("someone-elses");
        assertThat(round).isNotDone();
        broker.deliverHeld();

        assertThat(round.get(30, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.UP);
        assertThat(probe.strays()).isEqualTo(2);
    }

    @Test
    void acknowledgedButNotDeliveredIsDownWithinTheDeadlineAndResetsTheSession() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.ACK_ONLY;
        long start = System.nanoTime();

        ProbeResult result = run();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(DEADLINE, DEADLINE.plusSeconds(20));
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("timeout: probe message acknowledged but not received back within "
                        + "300 ms (topic mrm/probe -> queue mrm-probe on tcp://broker.test:55555, VPN shop)");
        assertThat(broker.resets).hasValue(1);
    }

    @Test
    void notAcknowledgedIsDownSayingSo() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.SILENT;

        ProbeResult result = run();

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).startsWith("timeout: probe message not acknowledged by the broker within 300 ms");
    }

    @Test
    void aRefusedMessageIsDownAtOnceWithTheBrokersReason() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.NACK;

        ProbeResult result = run();

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("the broker refused the probe message (topic mrm/probe -> queue mrm-probe "
                        + "on tcp://broker.test:55555, VPN shop): 400 Spool Over Quota");
        assertThat(broker.resets).hasValue(1);
    }

    @Test
    void aTransportThatCannotConnectIsDownWithItsReason() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.CANNOT_CONNECT;

        ProbeResult result = run();

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("cannot connect to tcp://broker.test:55555: connection refused");
        assertThat(broker.resets).hasValue(1);
    }

    @Test
    void aSessionThatBreaksMidRoundIsDownAtOnce() throws Exception {
        RoundTripProbe probe = probe(ROOMY_DEADLINE);
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.ACK_ONLY;
        CompletableFuture<ProbeResult> round = probe.probe().toCompletableFuture();

        broker.breakSession("session with tcp://broker.test:55555 lost: keepalive timeout");

        // "at once": the session's loss ends the round, not its deadline (which would say "timeout")
        ProbeResult result = round.get(30, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("session with tcp://broker.test:55555 lost: keepalive timeout");
    }

    @Test
    void whileAConnectHangsNoSecondRoundStarts() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.CONNECT_HANGS;

        ProbeResult first = run();
        ProbeResult second = run();

        assertThat(first.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(first.detail())
                .isEqualTo("timeout: no session with topic mrm/probe -> queue mrm-probe on "
                        + "tcp://broker.test:55555, VPN shop within 300 ms (connect or login not finished)");
        assertThat(second.detail())
                .startsWith("previous round trip (topic mrm/probe")
                .endsWith("is still connecting; not probed again until it gives up");
        assertThat(broker.sent).hasSize(1);

        broker.behaviour = InMemoryRoundTripTransport.Behaviour.LOOP_BACK;
        broker.finishHangingConnect();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(run().status()).isEqualTo(HealthStatus.UP));
        assertThat(broker.sent).hasSize(2);
    }

    @Test
    void aTransportThatThrowsInsteadOfAnsweringIsDown() throws Exception {
        broker.behaviour = InMemoryRoundTripTransport.Behaviour.THROWS;

        ProbeResult result = run();

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("round trip failed: IllegalStateException: pool gone");
    }

    @Test
    void closingTheProbeClosesTheTransport() {
        probe.close();

        assertThat(broker.closed).isTrue();
    }

    private ProbeResult run() throws Exception {
        return probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
