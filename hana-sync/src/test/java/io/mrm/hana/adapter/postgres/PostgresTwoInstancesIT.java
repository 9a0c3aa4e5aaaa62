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
import io.mrm.hana.domain.ReplicationStatus;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two hana-sync instances on the same two real PostgreSQL servers, as a deployment with two replicas
 * has them: one runs the capture, the other reads everything it answers from the databases; and a
 * capture taken over by the other instance stops applying in the first.
 */
class PostgresTwoInstancesIT {

    TwoPostgresRegions regions;
    PostgresDebeziumReplication first;
    PostgresDebeziumReplication second;
    OrderWriter writer;

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.close();
        }
        for (PostgresDebeziumReplication r : new PostgresDebeziumReplication[] {first, second}) {
            if (r != null) {
                r.close();
            }
        }
        if (regions != null) {
            regions.close();
        }
    }

    void start() throws Exception {
        regions = new TwoPostgresRegions();
        first = new PostgresDebeziumReplication(List.of(regions.application()));
        first.own(Set.of("shop"));
        first.start();
        await().atMost(Duration.ofSeconds(60)).until(first::ready);
        second = new PostgresDebeziumReplication(List.of(regions.application()));
        second.awaitAssignment();
        second.start();
        second.own(Set.of());
    }

    static StepRef step(long epoch, int index) {
        return new StepRef("decision-" + epoch, epoch, index, 1, Instant.now().plusSeconds(40));
    }

    static CommandAck drain(HanaSyncCommandHandler h, long epoch, String from, String to) {
        return h.handle(
                new DataDrainCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(epoch, 0), from, to));
    }

    @Test
    void theInstanceWithoutTheCaptureAnswersFromTheDatabasesAndItsDrainsWork() throws Exception {
        start();
        HanaSyncCommandHandler viaFirst = new HanaSyncCommandHandler(first, Clock.systemUTC());
        HanaSyncCommandHandler viaSecond = new HanaSyncCommandHandler(second, Clock.systemUTC());
        writer = new OrderWriter(regions, A, 1).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedOn(A) >= 200);

        // once the first's capture reads its slot (it starts reading shortly after it reports ready)
        await().atMost(Duration.ofSeconds(120))
                .until(() -> A.equals(second.status("shop").sourceRegion()));
        ReplicationStatus seen = second.status("shop");
        assertThat(seen.sourceRegion()).isEqualTo(A);
        assertThat(seen.targetRegion()).isEqualTo(B);
        assertThat(seen.details()).containsEntry("capture", "STREAMING (another instance)");
        assertThat(second.ready())
                .as("ready: it runs no capture, and none is its own")
                .isTrue();
        CommandAck drained = drain(viaSecond, 1, A, B);
        assertThat(drained.outcome()).as(drained.toString()).isEqualTo(AckOutcome.SUCCEEDED);

        // a switchover and a re-protect through the first; the second sees each new direction
        assertThat(drain(viaFirst, 1, A, B).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        CommandAck promoted = viaFirst.handle(new DataPromoteCommand(
                UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(1, 1), B, FailoverMode.GRACEFUL));
        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        writer.pointAt(B);
        assertThat(second.status("shop").primaryRegion()).isEqualTo(B);
        assertThat(second.status("shop").sourceRegion()).isNull();

        CommandAck reprotected = viaFirst.handle(
                new DataReprotectCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(2, 0), B, A));
        assertThat(reprotected.outcome()).as(reprotected.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        await().atMost(Duration.ofSeconds(120))
                .untilAsserted(
                        () -> assertThat(second.status("shop").sourceRegion()).isEqualTo(B));
        CommandAck drainedBack = drain(viaSecond, 2, B, A);
        assertThat(drainedBack.outcome()).as(drainedBack.toString()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    @Test
    void aBatchOfACaptureWhosePipelineWasTakenOverIsNotWritten() throws Exception {
        start();
        writer = new OrderWriter(regions, A, 1).start(4);
        await().atMost(Duration.ofSeconds(60)).until(() -> regions.orderIds(B).size() >= 100);

        // another instance takes the pipeline over in the target database, while the first still streams
        try (Connection b = regions.admin(B)) {
            ReplicationSchema.takeOwnership(b, "shop:" + A + "->" + B, "hana-sync-another-instance");
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(first.failures())
                        .hasEntrySatisfying("shop", f -> assertThat(f).contains("another owner")));
        int appliedWhenStopped = regions.orderIds(B).size();
        long committed = writer.committedOn(A);
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedOn(A) > committed + 200);
        assertThat(regions.orderIds(B))
                .as("nothing written by the capture that lost the pipeline")
                .hasSize(appliedWhenStopped);
    }

    @Test
    void aCaptureTakenOverByAnotherInstanceGoesOnFromWhereTheFirstStopped() throws Exception {
        start();
        writer = new OrderWriter(regions, A, 1).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedOn(A) >= 200);

        // the command partition moved to the second while the first still runs its capture (a zombie)
        second.own(Set.of("shop"));

        // the first is cut off (its session on the slot ended; if it reconnects, its next batch is refused)
        await().atMost(Duration.ofSeconds(120)).until(second::ready);
        HanaSyncCommandHandler viaSecond = new HanaSyncCommandHandler(second, Clock.systemUTC());
        long before = writer.committedOn(A);
        await().atMost(Duration.ofSeconds(120)).until(() -> writer.committedOn(A) > before + 200);
        writer.close();
        writer = null;
        CommandAck drained = drain(viaSecond, 1, A, B);
        assertThat(drained.outcome()).as(drained.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(regions.contents(B)).isEqualTo(regions.contents(A));
    }
}
