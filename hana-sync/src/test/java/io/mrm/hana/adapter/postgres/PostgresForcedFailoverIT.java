package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A forced failover: region A stops while B has not applied its last changes. B is promoted without
 * A; once A is back, re-protect reports exactly the changes A committed that B never applied, then
 * makes A a replica of B again.
 */
class PostgresForcedFailoverIT {

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

    static StepRef step(long epoch, int index) {
        return new StepRef("decision-" + epoch, epoch, index, 1, Instant.now().plusSeconds(30));
    }

    @Test
    void forcedFailoverReportsWhatTheLostRegionCommittedOnceItIsBack() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(120)).until(replication::ready);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());

        OrderWriter writer = new OrderWriter(regions, A, 1).start();
        await().atMost(Duration.ofSeconds(120)).until(() -> writer.committedOn(A) >= 500);
        // B stops accepting orders (a constraint its applier trips over), so A gets ahead of it
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.execute("ALTER TABLE orders ADD CONSTRAINT refuse_new CHECK (id < 0) NOT VALID");
        }
        long before = writer.committedOn(A);
        await().atMost(Duration.ofSeconds(120)).until(() -> writer.committedOn(A) >= before + 300);
        writer.close();
        regions.stop(A);
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement()) {
            s.execute("ALTER TABLE orders DROP CONSTRAINT refuse_new");
        }

        CommandAck promoted = handler.handle(new DataPromoteCommand(
                UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(1, 0), B, FailoverMode.FORCED));
        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoted.observed()).containsEntry("primary", B).containsEntry("oldPrimaryFenced", "false");
        assertThat(promoted.detail())
                .as("what the audit shows")
                .contains("FORCED")
                .contains("old primary NOT fenced")
                .contains("dataLeftBehind=unknown");

        Set<Long> lost = new HashSet<>();
        writer.commits.forEach(c -> lost.add(c.orderId()));
        writer.commits.forEach(c -> lost.remove(c.deletedOrderId()));
        lost.removeAll(regions.orderIds(B));
        assertThat(lost).as("orders A committed that B lacks").isNotEmpty();

        // B carries on as primary; then A comes back
        OrderWriter onB = new OrderWriter(regions, B, 1_000_000).start();
        await().atMost(Duration.ofSeconds(120)).until(() -> onB.committedOn(B) >= 300);
        regions.start(A);
        CommandAck reprotected = handler.handle(
                new DataReprotectCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(2, 0), B, A));
        assertThat(reprotected.outcome()).as(reprotected.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(Long.parseLong(reprotected.observed().get("unreplicatedChanges")))
                .isGreaterThanOrEqualTo(lost.size());
        onB.close();
        CommandAck drained = handler.handle(
                new DataDrainCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(2, 1), B, A));
        assertThat(drained.outcome()).as(drained.toString()).isEqualTo(AckOutcome.SUCCEEDED);

        // the report names every order A committed that B lacked, and nothing B had
        Set<Long> reported = new HashSet<>();
        try (Connection b = regions.admin(B);
                Statement s = b.createStatement();
                ResultSet rs = s.executeQuery("""
                     SELECT DISTINCT (row_key->>'id')::bigint FROM mrm.unreplicated_change
                     WHERE table_name = 'public.orders' AND op = 'c' AND source_region = 'region-a'""")) {
            while (rs.next()) {
                reported.add(rs.getLong(1));
            }
        }
        Set<Long> insertedOnALost = new HashSet<>(lost);
        assertThat(reported).containsAll(insertedOnALost);
        assertThat(reported)
                .doesNotContainAnyElementsOf(new HashSet<>(regions.orderIds(B))
                        .stream()
                                .filter(id -> id < 1_000_000)
                                .filter(id -> !lost.contains(id))
                                .toList());
        // and A is a faithful replica of B again
        assertThat(regions.contents(A)).isEqualTo(regions.contents(B));
        System.out.printf(
                "%nPOSTGRES FORCED FAILOVER: A committed %d transactions; %d of its orders never reached B; "
                        + "re-protect reported %s changes from A%n%n",
                writer.committedOn(A), lost.size(), reprotected.observed().get("unreplicatedChanges"));
    }
}
