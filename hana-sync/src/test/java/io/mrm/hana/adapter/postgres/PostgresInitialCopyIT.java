package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.hana.domain.DrainResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replication set up on a primary whose tables already hold data and an empty standby, on two real
 * PostgreSQL servers: the standby gets a first copy (Debezium's snapshot, taken at the point its slot
 * starts) while the application goes on writing, then the stream, with no change missing in between and
 * none applied twice. A copy cut off by a restart is made again from the start.
 */
class PostgresInitialCopyIT {

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;
    OrderWriter writer;

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.close();
        }
        if (replication != null) {
            replication.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    void primaryWithDataAndEmptyStandby() throws Exception {
        regions = new TwoPostgresRegions();
        try (Connection a = regions.admin(A);
                Statement s = a.createStatement()) {
            s.execute("INSERT INTO orders SELECT g, 1 + g % 100, g % 1000, 'from before replication', now(), NULL "
                    + "FROM generate_series(1000000, 1019999) g");
        }
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.execute("DELETE FROM account");
        }
    }

    long rows(String region, String table) throws Exception {
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anEmptyStandbyIsCopiedThenStreamedWhileTheApplicationWrites() throws Exception {
        primaryWithDataAndEmptyStandby();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        writer = new OrderWriter(regions, A, 1).start(4); // inserts, updates and deletes during the copy
        await().atMost(Duration.ofSeconds(120)).until(replication::ready);
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedOn(A) >= 500);
        writer.close();
        writer = null;

        DrainResult drained = replication.drain("shop", A, B, Duration.ofSeconds(120));
        assertThat(drained.complete()).isTrue();
        assertThat(rows(B, "orders")).isEqualTo(rows(A, "orders")).isGreaterThan(20_000);
        assertThat(regions.contents(B)).isEqualTo(regions.contents(A));
        try (Connection b = regions.admin(B)) {
            assertThat(ReplicationSchema.initialCopyPending(b, "shop:" + A + "->" + B))
                    .isFalse();
        }
    }

    @Test
    void aCopyCutOffByARestartIsMadeAgainFromTheStart() throws Exception {
        primaryWithDataAndEmptyStandby();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        // stopped as soon as some of the copy is applied (or at once: either way the copy is not done)
        await().atMost(Duration.ofSeconds(120)).until(() -> rows(B, "orders") > 0 || replication.ready());
        replication.close();
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            // a row the copy must not keep: the standby is emptied before copying again
            s.execute("INSERT INTO orders VALUES (-1, 1, 1, 'not on the primary', now(), NULL)");
            s.execute("UPDATE mrm.initial_copy SET state = 'PENDING'");
        }

        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(120)).until(replication::ready);
        DrainResult drained = replication.drain("shop", A, B, Duration.ofSeconds(120));
        assertThat(drained.complete()).isTrue();
        assertThat(regions.contents(B)).isEqualTo(regions.contents(A));
    }
}
