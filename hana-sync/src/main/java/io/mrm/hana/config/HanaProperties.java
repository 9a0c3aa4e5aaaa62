package io.mrm.hana.config;

import io.mrm.kafka.SecretReference;
import io.mrm.kafka.SecretSetting;
import io.mrm.hana.adapter.hana.HanaApplication;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication;
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
    public record Application(String initialPrimary, String schema, List<String> tables, String appRole,
                              Map<String, Region> regions) {
    }

    /**
     * @param jdbcUrl      {@code jdbc:sap://<host>:443?encrypt=true&validateCertificate=true}
     * @param user         hana-sync's user there
     * @param password     where the password lives: exactly one of {@code env} or {@code file}
     * @param remoteSource the remote source in this database that reads the other region's database
     * @param allowUnverifiedTls a database outside loopback without {@code encrypt=true&validateCertificate=true}
     *                     is refused unless this is true (logged at every start)
     */
    public record Region(String jdbcUrl, String user, SecretSetting password, String remoteSource,
                         Boolean allowUnverifiedTls) {
    }

    public HanaProperties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
    }

    /** The checked applications and a connection source over the ngdbc driver. */
    public HanaRemoteSubscriptionReplication replication() {
        List<String> problems = new ArrayList<>();
        List<HanaApplication> result = new ArrayList<>();
        Map<String, Region> regionSettings = new LinkedHashMap<>();
        Map<String, SecretReference> passwords = new LinkedHashMap<>();
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
                String tls = io.mrm.kafka.config.DatabaseTls.problem(rkey + ".jdbc-url", r.jdbcUrl(),
                        rkey + ".allow-unverified-tls");
                if (tls != null && Boolean.TRUE.equals(r.allowUnverifiedTls())) {
                    org.slf4j.LoggerFactory.getLogger(HanaProperties.class).warn("{}: TLS to {}'s database is not "
                            + "verified ({}: true)", rkey, region, rkey + ".allow-unverified-tls");
                } else if (tls != null) {
                    problems.add(tls);
                }
                SecretReference password = SecretSetting.check(problems, rkey + ".password", r.password());
                try {
                    sources.put(region, HanaApplication.identifier("remote source", r.remoteSource()));
                } catch (IllegalArgumentException e) {
                    problems.add(rkey + ".remote-source: " + e.getMessage());
                }
                regionSettings.put(id + "/" + region, r);
                passwords.put(id + "/" + region, password);
            });
            if (problems.size() == before) {
                try {
                    result.add(new HanaApplication(id, app.initialPrimary(), sources, app.schema(),
                            app.tables() == null ? List.of() : app.tables(), app.appRole()));
                } catch (IllegalArgumentException e) {
                    problems.add(key + ": " + e.getMessage());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid hana-sync HANA settings:\n  " + String.join("\n  ", problems));
        }
        return new HanaRemoteSubscriptionReplication(result, (id, region) -> {
            Region r = regionSettings.get(id + "/" + region);
            Properties props = new Properties();
            props.setProperty("user", r.user());
            props.setProperty("password", passwords.get(id + "/" + region).read());
            props.setProperty("connectTimeout", "10000");
            return DriverManager.getConnection(r.jdbcUrl(), props);
        });
    }
}
