package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The running service (backend POSTGRES_DEBEZIUM, bus authentication required) on a real in-process broker
 * and two real PostgreSQL servers: a drill's promote, signed by the engine, is answered with an ack signed by
 * hana-sync that says what the promote would have done, and neither database's fencing row moved.
 */
@RunningHanaSync
@TestPropertySource(
        properties = {
            // bounds for a saturated machine, not expectations
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s"
        })
class HanaSyncRehearsalIT {

    @RegisterExtension
    static final PostgresServiceBackend BACKEND = new PostgresServiceBackend("hanadrill.");

    static final TwoPostgresRegions REGIONS = BACKEND.regions;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        BACKEND.register(registry);
    }

    @Test
    void aSignedRehearsedPromoteIsAnsweredWithASignedWouldPromoteAndNothingIsFenced() throws Exception {
        Instant now = Instant.now();
        DataPromoteCommand rehearsal = new DataPromoteCommand(
                "c-drill-promote", "shop", now, 1, new StepRef("d-drill", 7, 3, 1, now.plusSeconds(120), true), B);
        // the capture starts once the service owns the partition; the drain-side checks need it reading its slot
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(HanaSyncRehearsalIT::slotActive);
        List<String> fencingBefore = fencing();
        BACKEND.engine.send(rehearsal);

        // read as the engine does (hana-sync's key trusted, nothing else): every ack must verify
        CommandAck ack = BACKEND.engine.await(
                Topics.COMMAND_ACKS,
                CommandAck.class,
                a -> a.commandId().equals("c-drill-promote"),
                Duration.ofSeconds(120));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.step().rehearsing()).isTrue();
        assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
        assertThat(ack.detail()).startsWith("would promote region-b under epoch 7");
        assertThat(fencing()).as("no fencing row moved").isEqualTo(fencingBefore);
    }

    private static boolean slotActive() throws Exception {
        try (Connection c = REGIONS.admin(A);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'mrm_shop_to_region_b' AND active")) {
            return rs.next();
        }
    }

    private static List<String> fencing() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String region : List.of(A, B)) {
            try (Connection c = REGIONS.admin(region);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT to_regclass('mrm.fencing') IS NULL")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    rows.add(region + " no fencing table");
                    continue;
                }
            }
            try (Connection c = REGIONS.admin(region);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT f::text FROM mrm.fencing f ORDER BY 1")) {
                while (rs.next()) {
                    rows.add(region + " " + rs.getString(1));
                }
            }
        }
        return rows;
    }
}
