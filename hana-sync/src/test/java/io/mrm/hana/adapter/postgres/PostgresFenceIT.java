package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DATA_FENCE on two real PostgreSQL servers: a forced failover leaves region A writable (it was down
 * when B was promoted); the fence refuses while A is down or silent, answering before the step's
 * deadline, closes A once it is back (its open transaction rolls back, a new INSERT is refused), changes
 * nothing when repeated, refuses a stale epoch with the epoch that refused it, never closes the current
 * primary, and leaves A ready for re-protect.
 */
class PostgresFenceIT {

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

    static StepRef step(long epoch, Duration toDeadline) {
        return new StepRef("decision-" + epoch, epoch, 0, 1, Instant.now().plus(toDeadline));
    }

    static DataFenceCommand fence(long epoch, String region, Duration toDeadline) {
        return new DataFenceCommand(
                UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(epoch, toDeadline), region);
    }

    @Test
    void fenceClosesTheRegionAForcedFailoverLeftOnceItAnswers() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(120)).until(replication::ready);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());

        // the primary is never fenced: it is the only writable database
        CommandAck primary = handler.handle(fence(1, A, Duration.ofSeconds(10)));
        assertThat(primary.outcome()).as(primary.detail()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(primary.errorCode()).isEqualTo(FenceFailure.IS_PRIMARY.name());
        insertOrder(A, 1);

        // forced failover at epoch 2: A is down, so promote cannot fence it
        regions.stop(A);
        CommandAck promoted = handler.handle(new DataPromoteCommand(
                UUID.randomUUID().toString(),
                "shop",
                Instant.now(),
                1,
                step(2, Duration.ofSeconds(30)),
                B,
                FailoverMode.FORCED));
        assertThat(promoted.observed()).containsEntry("primary", B).containsEntry("oldPrimaryFenced", "false");

        // A down: refused at once, retriably
        DataFenceCommand whileDown = fence(2, A, Duration.ofSeconds(60));
        CommandAck down = handler.handle(whileDown);
        assertThat(down.outcome()).as(down.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(down.errorCode()).isEqualTo(FenceFailure.UNREACHABLE.name());
        assertThat(down.fenceEpoch()).isEqualTo(2L);
        // long before the deadline (half of it): a fence that waited on the driver would use it all
        assertThat(down.time()).isBefore(whileDown.step().deadline().minusSeconds(30));

        // A's address accepts connections and never answers: answered before the deadline all the same
        try (SilentServer silent = new SilentServer(port(regions.url(A)))) {
            DataFenceCommand whileSilent = fence(2, A, Duration.ofSeconds(10)); // roomy for a busy machine
            CommandAck noAnswer = handler.handle(whileSilent);
            assertThat(noAnswer.outcome()).as(noAnswer.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(noAnswer.errorCode()).isIn(FenceFailure.TIMEOUT.name(), FenceFailure.UNREACHABLE.name());
            assertThat(noAnswer.time()).isBefore(whileSilent.step().deadline());
            assertThat(silent.accepted()).isPositive();
        }

        // A is back, still writable: the split brain the fence exists for
        regions.start(A);
        insertOrder(A, 2);
        Connection open = regions.app(A);
        open.setAutoCommit(false);
        insert(open, 3);

        CommandAck fenced = handler.handle(fence(2, A, Duration.ofSeconds(15)));
        assertThat(fenced.outcome()).as(fenced.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fenced.observed())
                .containsEntry("changed", "true")
                .containsEntry("fenced", "true")
                .containsEntry("role." + A, "FENCED@2")
                .containsEntry("appCanWrite." + A, "false");
        assertThat(fenced.fenceEpoch()).isEqualTo(2L);
        assertThatThrownBy(open::commit)
                .as("the open transaction's session was ended")
                .isInstanceOf(SQLException.class);
        open.close();
        assertThatThrownBy(() -> insertOrder(A, 4))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));

        CommandAck again = handler.handle(fence(2, A, Duration.ofSeconds(10)));
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false");

        // an actuator that never saw epoch 2 (restarted) is refused by A's fencing row
        CommandAck stale =
                new HanaSyncCommandHandler(replication, Clock.systemUTC()).handle(fence(1, A, Duration.ofSeconds(10)));
        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo(DataStaleEpochException.CODE);
        assertThat(stale.fenceEpoch()).isEqualTo(2L);

        // the fence left the old slot: re-protect reports what A took after the failover and replicates B->A
        CommandAck reprotected = handler.handle(new DataReprotectCommand(
                UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(3, Duration.ofSeconds(60)), B, A));
        assertThat(reprotected.outcome()).as(reprotected.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(Long.parseLong(reprotected.observed().get("unreplicatedChanges")))
                .isPositive();
        assertThat(reprotected.fenceEpoch()).isEqualTo(3L);
    }

    private void insertOrder(String region, long id) throws SQLException {
        try (Connection c = regions.app(region)) {
            insert(c, id);
        }
    }

    private static void insert(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (id, account_id, amount, created_at) VALUES (?, 1, 1.00, now())")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static int port(String jdbcUrl) {
        return URI.create(jdbcUrl.substring("jdbc:".length())).getPort();
    }

    /** Accepts connections on a port and never answers: a host whose database hangs. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer(int port) throws IOException {
            server = new ServerSocket(port);
            acceptor = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try {
                                held.add(server.accept());
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
