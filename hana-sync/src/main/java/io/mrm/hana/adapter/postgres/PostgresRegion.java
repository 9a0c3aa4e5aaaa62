package io.mrm.hana.adapter.postgres;

import io.mrm.kafka.SecretReference;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * One region's database: where it is and how to log in. The password is read from its reference at
 * each connection (a rotated secret takes effect without a restart) and never kept in a field.
 *
 * @param region   the region's name
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database}
 * @param user     the role hana-sync uses (owns the replicated tables, may create slots and publications)
 * @param password where the password lives
 */
public record PostgresRegion(String region, String jdbcUrl, String user, SecretReference password) {

    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    public PostgresRegion {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        host(jdbcUrl); // checks the URL's shape
    }

    public Connection connect() throws SQLException {
        return connect(CONNECT_TIMEOUT_SECONDS, 60, 0);
    }

    /**
     * A connection for work that must end within {@code within} (a fence): connecting, logging in and
     * every read are bounded by it, in the whole seconds the driver takes (at least one, at most the
     * usual connect timeout), so a database that does not answer gives up about when the caller does.
     */
    public Connection connect(Duration within) throws SQLException {
        int seconds = (int) Math.max(1, Math.min(CONNECT_TIMEOUT_SECONDS, (within.toMillis() + 999) / 1000));
        return connect(seconds, seconds, seconds);
    }

    /** A timeout of 0 is none (the driver's default). */
    private Connection connect(int connectSeconds, int socketSeconds, int loginSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password.read());
        props.setProperty("connectTimeout", Integer.toString(connectSeconds));
        if (loginSeconds > 0) {
            props.setProperty("loginTimeout", Integer.toString(loginSeconds));
        }
        props.setProperty("socketTimeout", Integer.toString(socketSeconds));
        props.setProperty("ApplicationName", "mrm-hana-sync");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    public String host() {
        return host(jdbcUrl).getHost();
    }

    public int port() {
        int port = host(jdbcUrl).getPort();
        return port < 0 ? 5432 : port;
    }

    public String database() {
        return host(jdbcUrl).getPath().substring(1);
    }

    private static URI host(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("jdbc-url must look like jdbc:postgresql://host:port/database");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("jdbc-url must look like jdbc:postgresql://host:port/database");
        }
        return uri;
    }
}
