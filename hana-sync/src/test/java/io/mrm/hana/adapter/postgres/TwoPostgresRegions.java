package io.mrm.hana.adapter.postgres;

import io.mrm.kafka.SecretReference;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two real PostgreSQL 14 servers (region-a, region-b) with logical decoding on, the same three
 * application tables in each, and a login role {@code app} the application writes with. Region A can
 * be stopped and started again on the same data and port (a region outage).
 */
final class TwoPostgresRegions implements AutoCloseable {

    static final String A = "region-a";
    static final String B = "region-b";
    static final List<TableName> TABLES =
            List.of(TableName.parse("account"), TableName.parse("orders"), TableName.parse("audit"));
    static final String APP_PASSWORD = "app-secret";

    private final Path root;
    private final Map<String, Integer> ports = new TreeMap<>();
    private final Map<String, EmbeddedPostgres> servers = new TreeMap<>();
    private final Map<String, String> serverConfig;

    TwoPostgresRegions() throws IOException, SQLException {
        this(Map.of());
    }

    /** With extra server settings in both regions (e.g. a long {@code wal_writer_delay}). */
    TwoPostgresRegions(Map<String, String> serverConfig) throws IOException, SQLException {
        this.serverConfig = Map.copyOf(serverConfig);
        root = Files.createTempDirectory("mrm-two-regions");
        for (String region : List.of(A, B)) {
            ports.put(region, freePort());
            start(region);
            try (Connection c = admin(region);
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE app LOGIN PASSWORD '" + APP_PASSWORD + "'");
                s.execute("""
                        CREATE TABLE account (id int PRIMARY KEY, owner text NOT NULL, last_order bigint,
                            updated_at timestamp NOT NULL)""");
                s.execute("""
                        CREATE TABLE orders (id bigint PRIMARY KEY, account_id int NOT NULL, amount numeric(12,2),
                            note text, created_at timestamptz NOT NULL, tags jsonb)""");
                s.execute("CREATE TABLE audit (id uuid PRIMARY KEY, day date NOT NULL, payload text)");
                s.execute("GRANT SELECT ON account, orders, audit TO app");
                s.execute("INSERT INTO account SELECT g, 'owner-' || g, NULL, now() FROM generate_series(1, 100) g");
            }
        }
    }

    void start(String region) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        serverConfig.forEach(builder::setServerConfig);
        servers.put(
                region,
                builder.setPort(ports.get(region))
                        .setDataDirectory(root.resolve(region))
                        .setCleanDataDirectory(false)
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "8")
                        .setServerConfig("max_wal_senders", "8")
                        .setServerConfig("max_connections", "60")
                        .setServerConfig("fsync", "off") // a test: durability against the OS is not what is tested
                        .start());
    }

    /** A region outage: the server stops (committed data stays on disk). */
    void stop(String region) throws IOException {
        servers.remove(region).close();
    }

    String url(String region) {
        return "jdbc:postgresql://localhost:" + ports.get(region) + "/postgres";
    }

    Connection admin(String region) throws SQLException {
        return DriverManager.getConnection(url(region), "postgres", "");
    }

    Connection app(String region) throws SQLException {
        return DriverManager.getConnection(url(region), "app", APP_PASSWORD);
    }

    PostgresApplication application() {
        // embedded PostgreSQL trusts local connections; the reference still has to resolve
        SecretReference password =
                SecretReference.env("MRM_TEST_PG_PASSWORD", Map.of("MRM_TEST_PG_PASSWORD", "unused"));
        return new PostgresApplication(
                "shop",
                A,
                Map.of(
                        A, new PostgresRegion(A, url(A), "postgres", password),
                        B, new PostgresRegion(B, url(B), "postgres", password)),
                TABLES,
                "app");
    }

    /** Every row of every table, in key order, as text: two regions are equal when these are. */
    List<String> contents(String region) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = admin(region);
                Statement s = c.createStatement()) {
            for (TableName t : TABLES) {
                try (ResultSet rs =
                        s.executeQuery("SELECT '" + t.name() + ":' || x::text FROM " + t.quoted() + " x ORDER BY id")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    List<Long> orderIds(String region) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = admin(region);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        Collections.sort(ids);
        return ids;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        for (EmbeddedPostgres pg : servers.values()) {
            pg.close();
        }
        servers.clear();
        // two data directories of about 100 MB each: left behind, a few hundred runs filled the disk
        if (Files.exists(root)) {
            try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(root)) {
                for (java.nio.file.Path f :
                        files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
