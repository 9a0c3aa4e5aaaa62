package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.StepRef;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A drain with a bound on the backlog ({@code maxBacklogBytes}, what an automatic failover's graceful try
 * sends under {@code failover-drain-max-backlog}), on two real PostgreSQL servers. The backlog is built up on
 * purpose: a lock on the standby's {@code orders} holds the applier while the primary writes, so nothing of
 * those writes can be applied and the backlog is at least the WAL they took. A bound below it is refused at
 * once with {@code BACKLOG_TOO_LARGE}, before any marker is written and with nothing fenced; a bound above it
 * drains as before.
 */
class PostgresDrainBacklogBoundIT {

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;
    HanaSyncCommandHandler handler;

    @BeforeEach
    void start() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(60)).until(replication::ready);
        handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
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

    CommandAck drain(long maxBacklogBytes) {
        // a deadline long enough that a drain started behind the held applier could not pass for an answer
        return handler.handle(new DataDrainCommand(
                UUID.randomUUID().toString(),
                "shop",
                Instant.now(),
                1,
                new StepRef("decision-1", 1, 1, 1, Instant.now().plusSeconds(120)),
                A,
                B,
                maxBacklogBytes));
    }

    void onA(String sql) throws SQLException {
        try (Connection a = regions.admin(A);
                Statement s = a.createStatement()) {
            s.execute(sql);
        }
    }

    long walInsertPosition(String region) throws SQLException {
        return single(region, "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint");
    }

    /** The primary's drain marker: every drain that starts writes it. */
    String marker(String region) throws SQLException {
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT seq || ':' || token FROM mrm.drain_marker WHERE application_id = 'shop'")) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    long single(String region, String sql) throws SQLException {
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aBacklogLargerThanTheBoundIsRefusedWithNothingFencedAndALargeEnoughBoundDrainsAsBefore() throws Exception {
        // given a standby that caught up
        onA("INSERT INTO orders SELECT g, 1, 10, 'before', now(), NULL FROM generate_series(1, 10) g");
        assertThat(drain(1L << 30).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(regions.orderIds(B)).hasSize(10);

        long written;
        long bound;
        String markerBefore;
        CommandAck refused;
        try (Connection standby = regions.admin(B);
                Statement hold = standby.createStatement()) {
            // and an applier held by a lock on the standby while the primary writes about 2 MB of WAL
            standby.setAutoCommit(false);
            hold.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            long from = walInsertPosition(A);
            onA("INSERT INTO orders SELECT g, 1, 10, repeat(md5(g::text), 30), now(), NULL"
                    + " FROM generate_series(100, 2099) g");
            written = walInsertPosition(A) - from;
            assertThat(written)
                    .as("WAL written past what the standby can apply")
                    .isGreaterThan(1_000_000L);
            bound = written / 2;
            markerBefore = marker(A);

            // when a drain may take on at most half of it
            refused = drain(bound);

            // then it is refused at once, not after its deadline, with what was measured
            assertThat(refused.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
            assertThat(refused.errorCode()).isEqualTo(DataDrainCommand.BACKLOG_TOO_LARGE);
            // half the step's time: a drain that waited for its deadline would take all of it
            assertThat(refused.durationMs()).isLessThan(60_000L);
            long measured = Long.parseLong(refused.observed().get("backlogBytes"));
            assertThat(measured).isGreaterThanOrEqualTo(written);
            assertThat(refused.observed())
                    .containsEntry("maxBacklogBytes", Long.toString(bound))
                    .containsEntry("primary", A)
                    .containsEntry("direction", A + "->" + B)
                    .containsEntry("changed", "false");
            assertThat(refused.detail()).contains(measured + " bytes").contains("bound of " + bound + " bytes");
            // and nothing was written or fenced: no drain marker, the primary still the application's to write
            assertThat(marker(A)).isEqualTo(markerBefore);
            try (Connection app = regions.app(A);
                    Statement s = app.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO orders VALUES (9000, 1, 1, 'still writable', now(), NULL)"))
                        .isEqualTo(1);
            }
            assertThat(replication.status("shop").details()).containsEntry("role." + A, "PRIMARY@0");
            standby.rollback(); // the applier goes on
        }

        // when the bound is large enough, the drain completes as before
        CommandAck drained = drain(1L << 30);

        assertThat(drained.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(drained.observed()).containsEntry("maxBacklogBytes", Long.toString(1L << 30));
        assertThat(Long.parseLong(drained.observed().get("backlogBytes"))).isLessThanOrEqualTo(1L << 30);
        assertThat(marker(A)).isNotEqualTo(markerBefore);
        assertThat(regions.orderIds(B)).isEqualTo(regions.orderIds(A)).hasSize(2011);
        assertThat(regions.contents(B).stream()
                        .filter(row -> row.startsWith("orders:"))
                        .toList())
                .isEqualTo(regions.contents(A).stream()
                        .filter(row -> row.startsWith("orders:"))
                        .toList());
    }
}
