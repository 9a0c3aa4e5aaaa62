package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reverse slot made at promote keeps WAL on the new primary for as long as the old region stays
 * away. PostgreSQL bounds it with {@code max_slot_wal_keep_size} (here 32 MB): past that it gives the
 * slot up. hana-sync reports each slot's retained WAL and state, and a re-protect from a slot that lost
 * WAL (or that is gone) copies the primary afresh (after reporting what the old primary alone committed),
 * instead of starting the standby from now with every change since the promote missing.
 */
class PostgresSlotBoundIT {

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;

    @AfterEach
    void stop() throws Exception {
        if (replication != null) {
            replication.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    @Test
    void aReprotectWhoseReverseSlotWasDroppedCopiesThePrimaryAfreshInsteadOfStartingFromNow() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(60)).until(replication::ready);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        assertThat(handler.handle(new DataPromoteCommand(
                                UUID.randomUUID().toString(),
                                "shop",
                                Instant.now(),
                                1,
                                new StepRef("d-1", 1, 0, 1, Instant.now().plusSeconds(40)),
                                B,
                                FailoverMode.GRACEFUL))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.executeUpdate("UPDATE account SET owner = 'written on B after the promote' WHERE id = 3");
            // someone frees the disk by hand
            s.execute(
                    "SELECT pg_drop_replication_slot('" + regions.application().slotName(A) + "')");
        }
        CommandAck reprotected = handler.handle(new DataReprotectCommand(
                UUID.randomUUID().toString(),
                "shop",
                Instant.now(),
                1,
                new StepRef("d-2", 2, 0, 1, Instant.now().plusSeconds(40)),
                B,
                A));
        // before: REVERSE_SLOT_MISSING, fatal, and the standby stayed unprotected until someone copied it by hand
        assertThat(reprotected.outcome()).as(reprotected.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(reprotected.observed())
                .hasEntrySatisfying("freshCopy", v -> assertThat(v).contains("does not exist"));
        assertFreshCopy();
    }

    /** Region-a is a copy of region-b again, the write made after the promote included, and keeps up. */
    private void assertFreshCopy() throws Exception {
        await().atMost(Duration.ofSeconds(120))
                .until(() ->
                        replication.drain("shop", B, A, Duration.ofSeconds(10)).complete());
        assertThat(regions.contents(A))
                .isEqualTo(regions.contents(B))
                .anyMatch(row -> row.contains("written on B after the promote"));
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.executeUpdate("UPDATE account SET owner = 'after the copy' WHERE id = 4");
        }
        assertThat(replication.drain("shop", B, A, Duration.ofSeconds(60)).complete())
                .isTrue();
        assertThat(regions.contents(A)).isEqualTo(regions.contents(B));
    }

    @Test
    void aReprotectFromAReverseSlotThatLostItsWalCopiesThePrimaryAfresh() throws Exception {
        regions = new TwoPostgresRegions(Map.of("max_slot_wal_keep_size", "32MB"));
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(60)).until(replication::ready);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck promoted = handler.handle(new DataPromoteCommand(
                UUID.randomUUID().toString(),
                "shop",
                Instant.now(),
                1,
                new StepRef("d-1", 1, 0, 1, Instant.now().plusSeconds(40)),
                B,
                FailoverMode.GRACEFUL));
        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        String slot = regions.application().slotName(A);
        assertThat(replication.status("shop").details())
                .containsEntry("slotWalStatus." + B + "." + slot, "reserved")
                .containsEntry("maxSlotWalKeepSize." + B, "32MB");

        // region-a stays away while region-b writes far more WAL than the slot may keep
        regions.stop(A);
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.executeUpdate("UPDATE account SET owner = 'written on B after the promote' WHERE id = 3");
            for (int i = 0;
                    i < 4
                            && !"lost"
                                    .equals(replication
                                            .status("shop")
                                            .details()
                                            .get("slotWalStatus." + B + "." + slot));
                    i++) {
                s.execute("CREATE TABLE filler_" + i + " AS SELECT g, repeat('x', 1000) AS pad "
                        + "FROM generate_series(1, 40000) g");
                s.execute("SELECT pg_switch_wal()");
                s.execute("CHECKPOINT");
            }
        }
        assertThat(replication.status("shop").details()).containsEntry("slotWalStatus." + B + "." + slot, "lost");

        regions.start(A);
        CommandAck reprotected = handler.handle(new DataReprotectCommand(
                UUID.randomUUID().toString(),
                "shop",
                Instant.now(),
                1,
                new StepRef("d-2", 2, 0, 1, Instant.now().plusSeconds(60)),
                B,
                A));
        // before: REVERSE_SLOT_LOST, fatal; the standby could only be rebuilt by hand
        assertThat(reprotected.outcome()).as(reprotected.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(reprotected.observed())
                .hasEntrySatisfying("freshCopy", v -> assertThat(v).contains("lost WAL"));
        try (Connection a = regions.admin(A)) {
            assertThat(ReplicationSchema.fencing(a, "shop"))
                    .contains(new ReplicationSchema.Fencing(2, ReplicationSchema.Role.REPLICA));
        }
        assertFreshCopy();
    }
}
