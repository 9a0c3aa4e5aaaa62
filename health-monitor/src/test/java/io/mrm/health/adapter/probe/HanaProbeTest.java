package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.adapter.probe.FakeHanaJdbc.Subscription;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HANA probe's statements, against {@link FakeHanaJdbc} (a JDBC fake, not a HANA). */
class HanaProbeTest {

    /** Timeouts of the probes that do get an answer: generous, so that a busy machine cannot make one time out. */
    static final Duration CONNECT = Duration.ofSeconds(10);

    static final Duration QUERY = Duration.ofSeconds(10);
    /** How long a test waits for a probe's result beyond the probe's own deadline (a busy machine's room). */
    static final Duration ROOM = Duration.ofSeconds(20);

    final FakeHanaJdbc hana = new FakeHanaJdbc();
    final BlockingProbePool pool = new BlockingProbePool(2, 4);

    @AfterEach
    void stop() {
        pool.close();
    }

    @Test
    void upWithTheSumOfReceivedMinusAppliedOverAllSubscriptions() throws Exception {
        hana.subscriptions = List.of(
                new Subscription("SHOP", "SUB_ORDERS", 100, 90),
                new Subscription("SHOP", "SUB_ITEMS", 50, 50),
                new Subscription("SHOP", "SUB_USERS", 7, 2));

        ProbeResult result = probe(probe(1_000));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail())
                .isEqualTo(
                        "SELECT 1 ok; holds 3 remote subscriptions, replication backlog 15 messages (received - applied)");
        assertThat(hana.executed)
                .containsExactly(
                        "SELECT 1 FROM DUMMY",
                        "SELECT COUNT(*), COALESCE(SUM(RECEIVED_MESSAGE_COUNT - APPLIED_MESSAGE_COUNT), 0) "
                                + "FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS",
                        FakeHanaJdbc.STREAMING);
        assertThat(hana.queryTimeouts).containsOnly((int) QUERY.toSeconds());
    }

    @Test
    void aStalledLinkWhoseSubscriptionStoppedIsDegradedNotUpWithBacklogZero() throws Exception {
        // nothing received, nothing applied: the backlog reads 0, but the subscription no longer streams
        hana.subscriptions = List.of(new Subscription("SHOP", "SUB_ORDERS", 7, 7, "MAT_COMP_BEG_MARKER", 5_000L));

        ProbeResult result = probe(probe(10_000));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail())
                .contains(
                        "replication backlog 0 messages",
                        "subscription SUB_ORDERS is in state MAT_COMP_BEG_MARKER, not streaming changes (APPLY_CHANGE_DATA)");
    }

    @Test
    void aLinkThatAppliedNothingForLongerThanMaxApplyAgeIsDegraded() throws Exception {
        hana.subscriptions = List.of(new Subscription("SHOP", "SUB_ORDERS", 7, 7, "APPLY_CHANGE_DATA", 900L));
        JdbcProbe probe =
                new JdbcProbe(hana.source(), new HanaCheck(10_000, Duration.ofMinutes(5)), pool, CONNECT, QUERY);

        ProbeResult result = probe(probe);

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail()).contains("subscription SUB_ORDERS applied no change for 900 s (at most 300 s)");
        hana.subscriptions = List.of(new Subscription("SHOP", "SUB_ORDERS", 7, 7, "APPLY_CHANGE_DATA", 12L));
        assertThat(probe(probe).status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aBacklogOverTheMaximumIsDegraded() throws Exception {
        hana.subscriptions = List.of(new Subscription("SHOP", "SUB_ORDERS", 5_000, 1_000));

        ProbeResult result = probe(probe(3_999));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail())
                .isEqualTo("SELECT 1 ok; holds 1 remote subscription, replication backlog 4000 "
                        + "messages (received - applied), over the maximum of 3999");
    }

    @Test
    void aRegionThatHoldsNoSubscriptionsSaysSo() throws Exception {
        ProbeResult result = probe(probe(0));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("SELECT 1 ok; holds no remote subscriptions");
    }

    @Test
    void statisticsThatCannotBeReadAreDegraded() throws Exception {
        hana.statisticsError = new SQLException("insufficient privilege: Not authorized", "42501");

        ProbeResult result = probe(probe(0));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail())
                .isEqualTo("SELECT 1 ok; cannot read SYS.M_REMOTE_SUBSCRIPTION_STATISTICS: "
                        + "insufficient privilege: Not authorized");
    }

    @Test
    void aDatabaseThatRefusesTheConnectionIsDown() throws Exception {
        hana.connectError =
                new SQLException("Cannot connect to jdbc:sap://hana.fake:443 [Connection refused]", "08001");

        ProbeResult result = probe(probe(0));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("cannot connect to jdbc:sap://hana.fake:443: "
                        + "Cannot connect to jdbc:sap://hana.fake:443 [Connection refused]");
    }

    @Test
    void theConnectionIsKeptAndReplacedWhenItBreaks() throws Exception {
        JdbcProbe probe = probe(0);
        probe(probe);
        probe(probe);
        assertThat(hana.opened).hasValue(1);

        hana.breakCurrentConnection();
        ProbeResult afterBreak = probe(probe);

        assertThat(afterBreak.status()).isEqualTo(HealthStatus.UP);
        assertThat(hana.opened).hasValue(2);
        assertThat(hana.closed).hasValue(1);
    }

    @Test
    void aHangingStatementIsAbortedAtTheDeadlineAndTheNextProbeReconnects() throws Exception {
        // short timeouts: this one must fire
        JdbcProbe probe =
                new JdbcProbe(hana.source(), new HanaCheck(0), pool, Duration.ofMillis(200), Duration.ofMillis(300));
        hana.hang = true;

        ProbeResult result = probe(probe);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("timeout: no answer from jdbc:sap://hana.fake:443 within 500 ms");
        assertThat(result.latency())
                .isGreaterThanOrEqualTo(Duration.ofMillis(500))
                .isLessThan(Duration.ofMillis(500).plus(ROOM));
        assertThat(hana.aborted).hasValue(1);

        hana.hang = false;
        await("the next probe is UP on a fresh connection")
                .atMost(ROOM)
                .until(() -> probe(probe).status() == HealthStatus.UP);
        assertThat(hana.opened).hasValue(2);
    }

    @Test
    void aMissingPasswordIsDownAndNamesOnlyTheReference() throws Exception {
        DriverConnectionSource source = new DriverConnectionSource(
                "jdbc:sap://hana.example.com:443?encrypt=true&validateCertificate=true",
                "MRM_PROBE",
                SecretReference.env("MRM_TEST_HANA_PASSWORD", Map.of()),
                Map.of());
        JdbcProbe probe = new JdbcProbe(source, new HanaCheck(0), pool, CONNECT, QUERY);

        ProbeResult result = probe(probe);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("cannot connect to jdbc:sap://hana.example.com:443: credential not "
                        + "available: environment variable MRM_TEST_HANA_PASSWORD is not set");
    }

    private JdbcProbe probe(long maxBacklog) {
        return new JdbcProbe(hana.source(), new HanaCheck(maxBacklog), pool, CONNECT, QUERY);
    }

    private static ProbeResult probe(JdbcProbe probe) throws Exception {
        return probe.probe()
                .toCompletableFuture()
                .get(CONNECT.plus(QUERY).plus(ROOM).toSeconds(), TimeUnit.SECONDS);
    }
}
