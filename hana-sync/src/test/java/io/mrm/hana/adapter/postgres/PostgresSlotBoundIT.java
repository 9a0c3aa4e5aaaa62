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
 * WAL (or that is gone) refuses, changing nothing, instead of starting the standby from now with
 * every change since the promote missing.
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
    void aReprotectWhoseReverseSlotWasDroppedRefusesInsteadOfStartingFromNow() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(60)).until(replication::ready);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        assertThat(handler.handle(new DataPromoteCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1,
                new StepRef("d-1", 1, 0, 1, Instant.now().plusSeconds(40)), B, FailoverMode.GRACEFUL)).outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        try (Connection b = regions.admin(B); Statement s = b.createStatement()) {
            s.executeUpdate("UPDATE account SET owner = 'written on B after the promote' WHERE id = 3");
            // someone frees the disk by hand
            s.execute("SELECT pg_drop_replication_slot('" + regions.application().slotName(A) + "')");
        }
        CommandAck reprotected = handler.handle(new DataReprotectCommand(UUID.randomUUID().toString(), "shop",
                Instant.now(), 1, new StepRef("d-2", 2, 0, 1, Instant.now().plusSeconds(40)), B, A));
        assertThat(reprotected.outcome()).as(reprotected.toString()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(reprotected.errorCode()).isEqualTo("REVERSE_SLOT_MISSING");
    }

    @Test
    void aReprotectFromAReverseSlotThatLostItsWalRefusesAndChangesNothing() throws Exception {
        regions = new TwoPostgresRegions(Map.of("max_slot_wal_keep_size", "32MB"));
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(60)).until(replication::ready);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck promoted = handler.handle(new DataPromoteCommand(UUID.randomUUID().toString(), "shop",
                Instant.now(), 1, new StepRef("d-1", 1, 0, 1, Instant.now().plusSeconds(40)), B, FailoverMode.GRACEFUL));
        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        String slot = regions.application().slotName(A);
        assertThat(replication.status("shop").details()).containsEntry("slotWalStatus." + B + "." + slot, "reserved")
                .containsEntry("maxSlotWalKeepSize." + B, "32MB");

        // region-a stays away while region-b writes far more WAL than the slot may keep
        regions.stop(A);
        try (Connection b = regions.admin(B); Statement s = b.createStatement()) {
            for (int i = 0; i < 4 && !"lost".equals(replication.status("shop").details()
                    .get("slotWalStatus." + B + "." + slot)); i++) {
                s.execute("CREATE TABLE filler_" + i + " AS SELECT g, repeat('x', 1000) AS pad "
                        + "FROM generate_series(1, 40000) g");
                s.execute("SELECT pg_switch_wal()");
                s.execute("CHECKPOINT");
            }
        }
        assertThat(replication.status("shop").details()).containsEntry("slotWalStatus." + B + "." + slot, "lost");

        regions.start(A);
        List<String> before = regions.contents(A);
        CommandAck reprotected = handler.handle(new DataReprotectCommand(UUID.randomUUID().toString(), "shop",
                Instant.now(), 1, new StepRef("d-2", 2, 0, 1, Instant.now().plusSeconds(40)), B, A));
        assertThat(reprotected.outcome()).as(reprotected.toString()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(reprotected.errorCode()).isEqualTo("REVERSE_SLOT_LOST");
        assertThat(regions.contents(A)).as("region-a untouched").isEqualTo(before);
        try (Connection a = regions.admin(A)) {
            assertThat(ReplicationSchema.fencing(a, "shop")).contains(new ReplicationSchema.Fencing(1,
                    ReplicationSchema.Role.FENCED));
        }
    }
}
