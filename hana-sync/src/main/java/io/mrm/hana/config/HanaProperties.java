package io.mrm.hana.config;

import io.mrm.hana.adapter.hana.HanaApplication;
import io.mrm.hana.adapter.hana.HanaReadiness;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication;
import io.mrm.kafka.SecretReference;
import io.mrm.kafka.SecretSetting;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The SAP HANA Cloud backend's settings (prefix {@code mrm.data.hana}), used when
 * {@code mrm.data.backend=HANA}. Bound always, checked only then: every problem at once, each
 * message naming the full key.
 *
 * @param applications application id → its two databases
 */
@ConfigurationProperties(HanaProperties.PREFIX)
public record HanaProperties(Map<String, Application> applications) {

    static final String PREFIX = "mrm.data.hana";

    /**
     * @param initialPrimary the region that is primary the first time
     * @param schema         schema of the replicated tables (upper case; the same in both databases)
     * @param tables         tables to replicate; none: every column table of the schema
     * @param appRole        the role the application writes with
     * @param regions        region → its database (exactly two)
     */
    public record Application(
            String initialPrimary, String schema, List<String> tables, String appRole, Map<String, Region> regions) {}

    /**
     * @param jdbcUrl      {@code jdbc:sap://<host>:443?encrypt=true&validateCertificate=true}
     * @param user         hana-sync's user there
     * @param password     where the password lives: exactly one of {@code env} or {@code file}
     * @param remoteSource the remote source in this database that reads the other region's database
     * @param allowUnverifiedTls a database outside loopback without {@code encrypt=true&validateCertificate=true}
     *                     is refused unless this is true (logged at every start)
     */
    public record Region(
            String jdbcUrl, String user, SecretSetting password, String remoteSource, Boolean allowUnverifiedTls) {}

    /** The ngdbc driver's connect timeout: a database that does not answer fails a command, it does not hang it. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    public HanaProperties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
    }

    /**
     * How hana-sync connects to one application's database in one region (a connection per command, no pool).
     *
     * @param password read each time a connection opens, so a rotated secret takes effect
     */
    public record ConnectionSettings(String jdbcUrl, String user, SecretReference password, int connectTimeoutMillis) {

        /** What the driver is given: user, password (read now) and the connect timeout. */
        public Properties driverProperties() {
            Properties props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password.read());
            props.setProperty("connectTimeout", Integer.toString(connectTimeoutMillis));
            return props;
        }
    }

    /**
     * The checked settings: each application, and the connection settings by {@code "<application>/<region>"}.
     */
    public record Checked(List<HanaApplication> applications, Map<String, ConnectionSettings> connections) {}

    /** The checked applications and a connection source over the ngdbc driver. */
    public HanaRemoteSubscriptionReplication replication() {
        Checked checked = checked();
        return new HanaRemoteSubscriptionReplication(checked.applications(), connections(checked));
    }

    /** The read-only readiness checks, over the same applications and connections. */
    public HanaReadiness readiness() {
        Checked checked = checked();
        return new HanaReadiness(checked.applications(), connections(checked));
    }

    private static HanaRemoteSubscriptionReplication.ConnectionSource connections(Checked checked) {
        return (id, region) -> {
            ConnectionSettings c = checked.connections().get(id + "/" + region);
            return DriverManager.getConnection(c.jdbcUrl(), c.driverProperties());
        };
    }

    /** Every problem at once, each named by its full key. */
    public Checked checked() {
        List<String> problems = new ArrayList<>();
        List<HanaApplication> result = new ArrayList<>();
        Map<String, ConnectionSettings> connections = new LinkedHashMap<>();
        if (applications.isEmpty()) {
            problems.add(PREFIX + ".applications: at least one application is needed");
        }
        applications.forEach((id, app) -> {
            String key = PREFIX + ".applications." + id;
            Map<String, Region> regions = app.regions() == null ? Map.of() : app.regions();
            Map<String, String> sources = new LinkedHashMap<>();
            int before = problems.size();
            regions.forEach((region, r) -> {
                String rkey = key + ".regions." + region;
                if (r == null || r.jdbcUrl() == null || !r.jdbcUrl().startsWith("jdbc:sap://")) {
                    problems.add(rkey + ".jdbc-url: must look like jdbc:sap://<host>:443?encrypt=true");
                    return;
                }
                if (r.user() == null || r.user().isBlank()) {
                    problems.add(rkey + ".user: missing");
                }
                String tls = io.mrm.kafka.config.DatabaseTls.problem(
                        rkey + ".jdbc-url", r.jdbcUrl(), rkey + ".allow-unverified-tls");
                if (tls != null && Boolean.TRUE.equals(r.allowUnverifiedTls())) {
                    org.slf4j.LoggerFactory.getLogger(HanaProperties.class)
                            .warn(
                                    "{}: TLS to {}'s database is not " + "verified ({}: true)",
                                    rkey,
                                    region,
                                    rkey + ".allow-unverified-tls");
                } else if (tls != null) {
                    problems.add(tls);
                }
                SecretReference password = SecretSetting.check(problems, rkey + ".password", r.password());
                try {
                    sources.put(region, HanaApplication.identifier("remote source", r.remoteSource()));
                } catch (IllegalArgumentException e) {
                    problems.add(rkey + ".remote-source: " + e.getMessage());
                }
                connections.put(
                        id + "/" + region,
                        new ConnectionSettings(r.jdbcUrl(), r.user(), password, CONNECT_TIMEOUT_MILLIS));
            });
            if (problems.size() == before) {
                try {
                    result.add(new HanaApplication(
                            id,
                            app.initialPrimary(),
                            sources,
                            app.schema(),
                            app.tables() == null ? List.of() : app.tables(),
                            app.appRole()));
                } catch (IllegalArgumentException e) {
                    problems.add(key + ": " + e.getMessage());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid hana-sync HANA settings:\n  " + String.join("\n  ", problems));
        }
        return new Checked(List.copyOf(result), Map.copyOf(connections));
    }
}
