package io.mrm.hana.adapter.hana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real round trip through two SAP HANA Cloud databases with smart data integration, through the real ngdbc
 * driver: hana-sync creates the virtual tables and remote subscriptions, rows written at the source are applied
 * at the replica (backlog 0, the rows there), and, when asked, it switches the primary and re-protects back.
 *
 * <p>Runs only when these are set, skipped otherwise:
 * <ul>
 * <li>{@code MRM_IT_HANA_URL_A}, {@code MRM_IT_HANA_URL_B}: the two databases, e.g.
 *   {@code jdbc:sap://<host>:443?encrypt=true&validateCertificate=true};</li>
 * <li>{@code MRM_IT_HANA_USER}, {@code MRM_IT_HANA_PASSWORD}: a user of both, allowed to create tables, virtual
 *   tables and remote subscriptions in the schema, to grant on its tables and (unless
 *   {@code MRM_IT_HANA_APP_ROLE} is set) to create and drop a role;</li>
 * <li>{@code MRM_IT_HANA_SCHEMA}: a <em>dedicated test schema</em> (the same name in both; created if missing).
 *   It must hold no remote subscription when the test starts: hana-sync treats every subscription of its
 *   schema as its own (promote drops them all), so the test refuses to run on a schema that has any;</li>
 * <li>{@code MRM_IT_HANA_SOURCE_A} (the remote source in A that reads B) and {@code MRM_IT_HANA_SOURCE_B}
 *   (in B, reading A).</li>
 * </ul>
 * Optional:
 * <ul>
 * <li>{@code MRM_IT_HANA_APP_ROLE}: an existing role to stand for the application's writer; without it the
 *   test creates {@code MRM_IT_APP_<run>} in both databases and drops it afterwards;</li>
 * <li>{@code MRM_IT_HANA_SWITCH=true}: also promote B and re-protect B→A. Promote suspends and resumes
 *   capture on {@code MRM_IT_HANA_SOURCE_B} for a moment, which pauses every subscription using that remote
 *   source: set it only where those remote sources serve this test alone.</li>
 * </ul>
 *
 * <p>Everything the test creates is named after its run ({@code IT_<run>_ORDERS}, {@code IT_<run>_ITEMS}
 * (hash-partitioned, so record counts must be summed over partitions), their {@code VT_} and {@code SUB_}
 * objects, the application id {@code mrm-it-<run>}), and the {@code finally} block drops it in both databases,
 * each step on its own so that one failure does not leave the rest behind; the drain marker table, the
 * {@code MRM} fencing schema, the role and the test schema are dropped only if this run created them.
 */
class HanaReplicationLiveIT {

    private static final Logger LOG = LoggerFactory.getLogger(HanaReplicationLiveIT.class);
    private static final List<String> NEEDED = List.of(
            "MRM_IT_HANA_URL_A",
            "MRM_IT_HANA_URL_B",
            "MRM_IT_HANA_USER",
            "MRM_IT_HANA_PASSWORD",
            "MRM_IT_HANA_SCHEMA",
            "MRM_IT_HANA_SOURCE_A",
            "MRM_IT_HANA_SOURCE_B");
    /** SDI's initial load and its markers take their time on a real system; these are upper bounds only. */
    private static final Duration CONVERGE = Duration.ofMinutes(10);

    private final Map<String, String> env = System.getenv();

    @Test
    void rowsWrittenAtThePrimaryAreAppliedAtTheReplicaAndTheSwitchReprotectsBack() throws Exception {
        assumeTrue(
                NEEDED.stream().allMatch(env::containsKey),
                "skipped: set " + String.join(", ", NEEDED) + " to run against two real SAP HANA Cloud databases");
        String run = HexFormat.of().withUpperCase().formatHex(new SecureRandom().generateSeed(4));
        String schema = HanaApplication.identifier("MRM_IT_HANA_SCHEMA", env.get("MRM_IT_HANA_SCHEMA"));
        String orders = "IT_" + run + "_ORDERS";
        String items = "IT_" + run + "_ITEMS";
        String role = env.containsKey("MRM_IT_HANA_APP_ROLE")
                ? HanaApplication.identifier("MRM_IT_HANA_APP_ROLE", env.get("MRM_IT_HANA_APP_ROLE"))
                : "MRM_IT_APP_" + run;
        HanaApplication app = new HanaApplication(
                "mrm-it-" + run.toLowerCase(),
                "a",
                Map.of("a", env.get("MRM_IT_HANA_SOURCE_A"), "b", env.get("MRM_IT_HANA_SOURCE_B")),
                schema,
                List.of(orders, items),
                role);
        HanaRemoteSubscriptionReplication replication =
                new HanaRemoteSubscriptionReplication(List.of(app), (id, region) -> open(region));
        boolean switching = "true".equals(env.get("MRM_IT_HANA_SWITCH"));
        Cleanup cleanup = new Cleanup(app, !env.containsKey("MRM_IT_HANA_APP_ROLE"), switching);

        try (Connection a = open("a");
                Connection b = open("b")) {
            for (Connection c : List.of(a, b)) {
                cleanup.before(c, c == a ? "a" : "b");
                execute(c, "CREATE COLUMN TABLE " + q(schema, orders) + " (ID BIGINT PRIMARY KEY, NOTE NVARCHAR(100))");
                execute(
                        c,
                        "CREATE COLUMN TABLE " + q(schema, items) + " (ID BIGINT PRIMARY KEY, NOTE NVARCHAR(100))"
                                + " PARTITION BY HASH (ID) PARTITIONS 2");
            }
            execute(a, "GRANT INSERT, UPDATE, DELETE ON " + q(schema, orders) + " TO " + q(role));
            execute(a, "GRANT INSERT, UPDATE, DELETE ON " + q(schema, items) + " TO " + q(role));
            insert(a, schema, orders, 1, 5);
            insert(a, schema, items, 1, 4);
            replication.start();

            // re-protect A -> B: subscribed, loaded, every subscription applying; a retry waits inside the windows
            ReplicationStatus reprotected =
                    converge(() -> replication.reprotect(app.applicationId(), "a", "b", 1), "a", "b");
            assertThat(reprotected.details())
                    .containsEntry("sourceRows." + orders, "5")
                    .containsEntry("targetRows." + orders, "5")
                    .containsEntry("sourceRows." + items, "4")
                    .containsEntry("targetRows." + items, "4")
                    .containsEntry("unreplicatedChanges", "0");
            assertThat(reprotected.tables()).containsOnlyKeys("SUB_" + orders, "SUB_" + items, "SUB_MRM_DRAIN_MARKER");

            // rows written at A now arrive through the subscriptions: backlog 0 and the rows at B
            insert(a, schema, orders, 6, 8);
            insert(a, schema, items, 5, 9);
            await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                ReplicationStatus status = replication.status(app.applicationId());
                assertThat(status.replicates("a", "b")).isTrue();
                assertThat(status.backlog()).isZero();
                assertThat(count(b, schema, orders)).isEqualTo(8);
                assertThat(count(b, schema, items)).isEqualTo(9);
            });
            DrainResult drained = replication.drain(app.applicationId(), "a", "b", CONVERGE);
            assertThat(drained.complete()).as("drain: %s", drained).isTrue();

            if (switching) {
                ReplicationStatus promoted = replication.promote(app.applicationId(), "b", 2, false, CONVERGE);
                assertThat(promoted.primaryRegion()).isEqualTo("b");
                assertThat(promoted.details())
                        .containsEntry("oldPrimaryFenced", "true")
                        .containsEntry("role.a", "FENCED@2");
                insert(b, schema, orders, 100, 102); // the application writes at its new primary

                ReplicationStatus back =
                        converge(() -> replication.reprotect(app.applicationId(), "b", "a", 3), "b", "a");
                assertThat(back.details())
                        .containsEntry("unreplicatedChanges", "0")
                        .containsEntry("sourceRows." + orders, "11");
                await().atMost(CONVERGE)
                        .pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(
                                () -> assertThat(count(a, schema, orders)).isEqualTo(11));
            }
            assertThat(replication.status(app.applicationId()).toString())
                    .doesNotContain(env.get("MRM_IT_HANA_PASSWORD"));
        } finally {
            cleanup.run();
        }
    }

    @FunctionalInterface
    private interface Attempt {
        ReplicationStatus run() throws Exception;
    }

    /**
     * Re-protect, retried as the engine would (after "not yet" or a retriable failure) until it reports
     * replicating {@code from -> to}; a fatal failure ends the test at once.
     */
    private static ReplicationStatus converge(Attempt attempt, String from, String to) {
        AtomicReference<ReplicationStatus> last = new AtomicReference<>();
        await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
            try {
                last.set(attempt.run());
            } catch (ActuatorFailure e) {
                if (!e.retriable()) {
                    throw e;
                }
                throw new AssertionError("retriable: " + e.getMessage(), e);
            }
            assertThat(last.get().replicates(from, to)).as("%s", last.get()).isTrue();
        });
        return last.get();
    }

    private Connection open(String region) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", env.get("MRM_IT_HANA_USER"));
        props.setProperty("password", env.get("MRM_IT_HANA_PASSWORD"));
        props.setProperty("connectTimeout", "10000");
        return DriverManager.getConnection(
                env.get(region.equals("a") ? "MRM_IT_HANA_URL_A" : "MRM_IT_HANA_URL_B"), props);
    }

    /**
     * What this run made, found out before it makes it, and dropped in both databases afterwards. Each drop
     * runs on its own: one that fails is logged and the others still run.
     */
    private final class Cleanup {
        private final HanaApplication app;
        private final boolean ownRole;
        private final boolean switched;
        private final Map<String, List<String>> createdHere = new java.util.HashMap<>();

        Cleanup(HanaApplication app, boolean ownRole, boolean switched) {
            this.app = app;
            this.ownRole = ownRole;
            this.switched = switched;
        }

        /**
         * Checks the schema is dedicated, records what exists before the run, and creates the schema and the
         * role where missing. A region that fails the check is not cleaned up (nothing of this run is there,
         * and its subscriptions are someone else's).
         */
        void before(Connection c, String region) throws SQLException {
            assertThat(strings(
                            c,
                            "SELECT SUBSCRIPTION_NAME FROM SYS.REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?",
                            app.schema()))
                    .as(
                            "MRM_IT_HANA_SCHEMA in %s must be a dedicated test schema without remote "
                                    + "subscriptions",
                            region)
                    .isEmpty();
            List<String> created = new ArrayList<>();
            createdHere.put(region, created); // from here on, what is created is dropped again
            if (count(c, "SELECT COUNT(*) FROM SYS.SCHEMAS WHERE SCHEMA_NAME = ?", app.schema()) == 0) {
                execute(c, "CREATE SCHEMA " + q(app.schema()));
                created.add("schema");
            }
            if (count(
                            c,
                            "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?",
                            app.schema(),
                            HanaRemoteSubscriptionReplication.MARKER)
                    == 0) {
                created.add("marker");
            }
            if (count(c, "SELECT COUNT(*) FROM SYS.SCHEMAS WHERE SCHEMA_NAME = 'MRM'") == 0) {
                created.add("mrm");
            }
            if (ownRole) {
                execute(c, "CREATE ROLE " + q(app.appRole()));
                created.add("role");
            }
        }

        void run() {
            for (String region : List.of("a", "b")) {
                if (!createdHere.containsKey(region)) {
                    continue;
                }
                List<String> created = createdHere.get(region);
                try (Connection c = open(region)) {
                    String s = app.schema();
                    List<String> tables = new ArrayList<>(app.tables());
                    if (created.contains("marker")) {
                        tables.add(HanaRemoteSubscriptionReplication.MARKER);
                    }
                    if (switched) {
                        // a promote that stopped between SUSPEND and RESUME would leave the capture suspended
                        quietly(
                                c,
                                "ALTER REMOTE SOURCE " + q(app.remoteSources().get(region)) + " RESUME CAPTURE");
                    }
                    // the schema held no subscription before the run: every one of these is this run's
                    for (String subscription : app.subscriptions()) {
                        quietly(c, "DROP REMOTE SUBSCRIPTION " + q(s, subscription));
                    }
                    quietly(c, "DROP TABLE " + q(s, "VT_" + HanaRemoteSubscriptionReplication.MARKER));
                    for (String table : tables) {
                        quietly(c, "DROP TABLE " + q(s, "VT_" + table));
                        quietly(c, "DROP TABLE " + q(s, table));
                    }
                    for (String lost : strings(
                            c,
                            "SELECT TABLE_NAME FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME"
                                    + " LIKE 'MRM\\_LOST\\_IT\\_%' ESCAPE '\\'",
                            s)) {
                        if (app.tables().stream().anyMatch(t -> lost.startsWith("MRM_LOST_" + t + "_E"))) {
                            quietly(c, "DROP TABLE " + q(s, lost));
                        }
                    }
                    if (!created.contains("marker")) {
                        quietly(
                                c,
                                "DELETE FROM " + q(s, HanaRemoteSubscriptionReplication.MARKER)
                                        + " WHERE APPLICATION_ID = '" + app.applicationId() + "'");
                    }
                    quietly(c, "DELETE FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = '" + app.applicationId() + "'");
                    if (created.contains("mrm")) {
                        quietly(c, "DROP SCHEMA \"MRM\" CASCADE");
                    }
                    if (created.contains("role")) {
                        quietly(c, "DROP ROLE " + q(app.appRole()));
                    }
                    if (created.contains("schema")) {
                        quietly(
                                c,
                                "DROP SCHEMA " + q(s)
                                        + " RESTRICT"); // empty by now, or it stays for a person to look at
                    }
                } catch (SQLException e) {
                    LOG.error(
                            "cleaning up {} in {} failed; drop IT_*, VT_IT_*, SUB_IT_* objects of this run by hand: {}",
                            app.applicationId(),
                            region,
                            e.getMessage());
                }
            }
        }

        private void quietly(Connection c, String sql) {
            try {
                execute(c, sql);
            } catch (SQLException e) {
                LOG.warn("cleanup: {} failed: {}", sql, e.getMessage());
            }
        }
    }

    private static void insert(Connection c, String schema, String table, long from, long to) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO " + q(schema, table) + " (ID, NOTE) VALUES (?, ?)")) {
            for (long id = from; id <= to; id++) {
                ps.setLong(1, id);
                ps.setString(2, "row " + id);
                ps.executeUpdate();
            }
        }
    }

    private static long count(Connection c, String schema, String table) throws SQLException {
        return count(c, "SELECT COUNT(*) FROM " + q(schema, table));
    }

    private static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static List<String> strings(Connection c, String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String q(String identifier) {
        return HanaApplication.quote(identifier);
    }

    private static String q(String schema, String name) {
        return q(schema) + "." + q(name);
    }
}
