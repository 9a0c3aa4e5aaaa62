package io.mrm.health.adapter.probe;

import io.mrm.kafka.SecretReference;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Connections through the JDBC driver registered for the URL. The password is read from its
 * {@link SecretReference} at each connect and handed to the driver only; {@link #toString()} shows the
 * URL without its query string (where drivers accept options and, badly, credentials).
 */
public final class DriverConnectionSource implements JdbcProbe.ConnectionSource {

    private final String url;
    private final String username;
    private final SecretReference password;
    private final Map<String, String> driverProperties;

    /**
     * @param driverProperties driver options such as timeouts (never credentials)
     */
    public DriverConnectionSource(
            String url, String username, SecretReference password, Map<String, String> driverProperties) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.driverProperties = Map.copyOf(driverProperties);
    }

    @Override
    public Connection open() throws SQLException {
        Properties props = new Properties();
        props.putAll(driverProperties);
        if (username != null) {
            props.setProperty("user", username);
        }
        if (password != null) {
            props.setProperty("password", password.read());
        }
        return DriverManager.getConnection(url, props);
    }

    public String url() {
        return url;
    }

    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    @Override
    public String toString() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
