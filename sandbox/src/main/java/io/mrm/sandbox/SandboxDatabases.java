package io.mrm.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PostgreSQL server per simulated region (logical decoding on), each with the application's
 * {@code orders} table and its login role {@code shop_app}; hana-sync replicates between them with its
 * PostgreSQL + Debezium backend and switches them in the plan's data steps.
 */
final class SandboxDatabases implements AutoCloseable {

    static final String APP_ROLE = "shop_app";
    private static final String APP_PASSWORD = "shop-app-sandbox";

    private final Map<String, EmbeddedPostgres> servers = new LinkedHashMap<>();
    private final Map<String, Integer> stopped = new LinkedHashMap<>();
    private Path passwordFile;

    SandboxDatabases(List<String> regions) throws IOException {
        for (String region : regions) {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "4")
                    .setServerConfig("max_wal_senders", "4")
                    .start();
            servers.put(region, pg);
            try (Connection c = DriverManager.getConnection(url(region), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
                s.execute(
                        "CREATE TABLE orders (id bigint PRIMARY KEY, item text NOT NULL, placed_at timestamptz NOT NULL)");
                s.execute("GRANT SELECT ON orders TO " + APP_ROLE);
            } catch (SQLException e) {
                throw new IOException("setting up the " + region + " database failed: " + e.getMessage(), e);
            }
        }
    }

    String url(String region) {
        int port = servers.containsKey(region) ? servers.get(region).getPort() : stopped.get(region);
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** hana-sync's settings; the password goes in a file only its owner reads, as in production. */
    Map<String, Object> hanaSyncProperties(String applicationId, String primary, Path dir) throws IOException {
        Path password = Files.createFile(
                dir.resolve("pg-password"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                password, "trust-on-loopback", StandardCharsets.US_ASCII); // embedded PostgreSQL trusts local logins
        passwordFile = password;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.data.backend", "POSTGRES_DEBEZIUM");
        String app = "mrm.data.postgres.applications." + applicationId + ".";
        props.put(app + "initial-primary", primary);
        props.put(app + "app-role", APP_ROLE);
        props.put(app + "tables", "public.orders");
        for (String region : servers.keySet()) {
            props.put(app + "regions." + region + ".jdbc-url", url(region));
            props.put(app + "regions." + region + ".user", "postgres");
            props.put(app + "regions." + region + ".password.file", password.toString());
        }
        return props;
    }

    /** Whether the application may write in {@code region}'s database (only the primary's). */
    boolean appCanWrite(String region) {
        try (Connection c = DriverManager.getConnection(url(region), APP_ROLE, APP_PASSWORD);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders VALUES (" + System.nanoTime() + ", 'probe', now())");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The region's database server is gone (a whole-region outage): it is shut down for good. */
    void stop(String region) throws IOException {
        EmbeddedPostgres pg = servers.remove(region);
        if (pg != null) {
            stopped.put(region, pg.getPort());
            pg.close();
        }
    }

    @Override
    public void close() throws IOException {
        if (passwordFile != null) {
            Files.deleteIfExists(passwordFile);
        }
        for (EmbeddedPostgres pg : servers.values()) {
            pg.close();
        }
    }
}
