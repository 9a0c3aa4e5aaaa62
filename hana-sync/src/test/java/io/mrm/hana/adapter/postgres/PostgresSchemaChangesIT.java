package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.hana.domain.DrainResult;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the primary does besides inserts, updates and deletes, on two real PostgreSQL servers: a
 * TRUNCATE is replicated; a column added on the primary only stops replication with the table and
 * column named, rather than leaving the standby silently different, and replication resumes from
 * where it stopped once the standby has the column too.
 */
class PostgresSchemaChangesIT {

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;

    @BeforeEach
    void start() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(60)).until(replication::ready);
    }

    @AfterEach
    void stop() throws Exception {
        if (replication != null) {
            replication.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    void onA(String... sql) throws Exception {
        try (Connection a = regions.admin(A);
                Statement s = a.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    DrainResult drain() throws Exception {
        return replication.drain("shop", A, B, Duration.ofSeconds(30));
    }

    @Test
    void aTruncateOfSeveralTablesOnThePrimaryIsReplicated() throws Exception {
        onA(
                "INSERT INTO orders SELECT g, 1, 10, 'before the truncate', now(), NULL FROM generate_series(1, 50) g",
                "INSERT INTO audit SELECT gen_random_uuid(), current_date, 'x' FROM generate_series(1, 20)");
        assertThat(drain().complete()).isTrue();
        assertThat(regions.orderIds(B)).hasSize(50);

        onA("TRUNCATE orders, audit", "INSERT INTO orders VALUES (1000, 1, 10, 'after the truncate', now(), NULL)");
        assertThat(drain().complete()).isTrue();

        assertThat(regions.orderIds(B)).containsExactly(1000L);
        assertThat(count(B, "audit")).isZero();
    }

    @Test
    void aColumnAddedOnThePrimaryStopsReplicationNamingItUntilTheStandbyHasItToo() throws Exception {
        onA(
                "ALTER TABLE orders ADD COLUMN channel text",
                "INSERT INTO orders VALUES (1, 1, 10, 'new column', now(), NULL, 'web')");

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(replication.failures())
                        .hasEntrySatisfying(
                                "shop", f -> assertThat(f).contains("channel").contains("orders")));
        assertThat(regions.orderIds(B)).as("nothing applied past the change").doesNotContain(1L);

        resumesOnceTheStandbyDoesTheSame("ALTER TABLE orders ADD COLUMN channel text");
        assertThat(regions.orderIds(B)).contains(1L);
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT channel FROM orders WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("web");
        }
    }

    @Test
    void aColumnDroppedOnThePrimaryStopsReplicationNamingItUntilTheStandbyDropsItToo() throws Exception {
        onA("INSERT INTO orders VALUES (1, 1, 10, 'before', now(), '{\"a\": 1}')");
        assertThat(drain().complete()).isTrue();
        onA(
                "ALTER TABLE orders DROP COLUMN tags",
                "UPDATE orders SET note = 'after the drop' WHERE id = 1",
                "INSERT INTO orders VALUES (2, 1, 20, 'new row', now())");

        // without the check the standby took both rows and kept a tags column nobody writes any more
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(replication.failures())
                        .hasEntrySatisfying(
                                "shop",
                                f -> assertThat(f)
                                        .contains("tags")
                                        .contains("orders")
                                        .contains("dropped there")));
        assertThat(regions.orderIds(B)).as("nothing applied past the change").doesNotContain(2L);

        resumesOnceTheStandbyDoesTheSame("ALTER TABLE orders DROP COLUMN tags");
        assertThat(regions.orderIds(B)).contains(1L, 2L);
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT note FROM orders WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("after the drop");
        }
    }

    @Test
    void aColumnRetypedOnThePrimaryStopsReplicationNamingItInsteadOfRoundingIntoTheOldType() throws Exception {
        onA("INSERT INTO orders VALUES (1, 1, 10.25, 'before', now(), NULL)");
        assertThat(drain().complete()).isTrue();
        onA(
                "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,4)",
                "INSERT INTO orders VALUES (2, 1, 1.2345, 'four decimals', now(), NULL)");

        // without the check the standby cast 1.2345 into its numeric(12,2): 1.23, silently
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(replication.failures())
                        .hasEntrySatisfying(
                                "shop",
                                f -> assertThat(f)
                                        .contains("amount")
                                        .contains("orders")
                                        .contains("numeric(12,2) here")
                                        .contains("type changed on the primary")));
        assertThat(regions.orderIds(B)).as("nothing applied past the change").doesNotContain(2L);

        resumesOnceTheStandbyDoesTheSame("ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,4)");
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT amount FROM orders WHERE id = 2")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("1.2345");
        }
    }

    @Test
    void aColumnWidenedOnTheStandbyFirstKeepsReplicating() throws Exception {
        // the safe order of a migration: the standby first (wider), then the primary; nothing pauses
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.execute("ALTER TABLE orders ALTER COLUMN amount TYPE numeric(16,4)");
        }
        onA("INSERT INTO orders VALUES (3, 1, 7.5, 'standby wider', now(), NULL)");
        assertThat(drain().complete()).isTrue();
        assertThat(regions.orderIds(B)).contains(3L);
        assertThat(replication.failures()).doesNotContainKey("shop");
    }

    /**
     * The operator's fix: the same DDL on the standby. A status read (each command makes one) resumes the
     * capture from the position it stopped at, and a drain then brings the standby level.
     */
    void resumesOnceTheStandbyDoesTheSame(String ddl) throws Exception {
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.execute(ddl);
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        "REPLICATING".equals(replication.status("shop").tables().get("public.orders"))
                                && replication.ready());
        assertThat(drain().complete()).isTrue();
    }

    long count(String region, String table) throws Exception {
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
