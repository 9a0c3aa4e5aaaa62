package io.mrm.hana.config;

import io.mrm.hana.adapter.postgres.PostgresApplication;
import io.mrm.hana.adapter.postgres.PostgresRegion;
import io.mrm.hana.adapter.postgres.TableName;
import io.mrm.kafka.SecretReference;
import io.mrm.kafka.SecretSetting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The PostgreSQL + Debezium backend's settings (prefix {@code mrm.data.postgres}), used when
 * {@code mrm.data.backend=POSTGRES_DEBEZIUM}. Bound always, checked only then by
 * {@link #applicationSettings()}: every problem at once, each message naming the full key.
 *
 * @param applications application id → its two databases and tables
 */
@ConfigurationProperties(PostgresProperties.PREFIX)
public record PostgresProperties(Map<String, Application> applications) {

    static final String PREFIX = "mrm.data.postgres";

    /**
     * @param initialPrimary the region that is primary the first time (neither database has a fencing row yet)
     * @param appRole        the role the application writes with; fenced on a database that is not primary
     * @param tables         replicated tables, {@code schema.table} or {@code table} (schema public); each needs a primary key
     * @param regions        region → its database (exactly two)
     */
    public record Application(
            String initialPrimary, String appRole, List<String> tables, Map<String, Region> regions) {}

    /**
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/database}
     * @param user     hana-sync's role there: owns the tables, may replicate ({@code REPLICATION}) and grant
     * @param password where the password lives: exactly one of {@code env} or {@code file}
     * @param allowUnverifiedTls a database outside loopback without {@code sslmode=verify-full} is refused
     *                 unless this is true (a local stack without certificates; logged at every start)
     */
    public record Region(String jdbcUrl, String user, SecretSetting password, Boolean allowUnverifiedTls) {}

    public PostgresProperties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
    }

    /** @throws IllegalArgumentException listing every problem, each with its key */
    public List<PostgresApplication> applicationSettings() {
        List<String> problems = new ArrayList<>();
        List<PostgresApplication> result = new ArrayList<>();
        if (applications.isEmpty()) {
            problems.add(PREFIX + ".applications: at least one application is needed");
        }
        applications.forEach((id, app) -> {
            String key = PREFIX + ".applications." + id;
            if (app == null) {
                problems.add(key + ": missing");
                return;
            }
            int before = problems.size();
            List<TableName> tables = new ArrayList<>();
            if (app.tables() == null || app.tables().isEmpty()) {
                problems.add(key + ".tables: at least one table is needed");
            } else {
                for (int i = 0; i < app.tables().size(); i++) {
                    try {
                        tables.add(TableName.parse(app.tables().get(i)));
                    } catch (IllegalArgumentException e) {
                        problems.add(key + ".tables[" + i + "]: " + e.getMessage());
                    }
                }
            }
            if (app.appRole() == null || app.appRole().isBlank()) {
                problems.add(key + ".app-role: missing (the role the application writes with)");
            } else {
                check(problems, key + ".app-role", () -> TableName.identifier("role", app.appRole()));
            }
            Map<String, PostgresRegion> regions = new LinkedHashMap<>();
            Map<String, Region> configured = app.regions() == null ? Map.of() : app.regions();
            if (configured.size() != 2) {
                problems.add(key + ".regions: exactly two regions are needed, got " + configured.keySet());
            }
            configured.forEach((region, r) -> {
                String rkey = key + ".regions." + region;
                if (r == null || r.jdbcUrl() == null || r.jdbcUrl().isBlank()) {
                    problems.add(rkey + ".jdbc-url: missing");
                    return;
                }
                if (r.user() == null || r.user().isBlank()) {
                    problems.add(rkey + ".user: missing");
                    return;
                }
                String tls = io.mrm.kafka.config.DatabaseTls.problem(
                        rkey + ".jdbc-url", r.jdbcUrl(), rkey + ".allow-unverified-tls");
                if (tls != null && Boolean.TRUE.equals(r.allowUnverifiedTls())) {
                    org.slf4j.LoggerFactory.getLogger(PostgresProperties.class)
                            .warn(
                                    "{}: TLS to {}'s database is not " + "verified ({}: true)",
                                    rkey,
                                    region,
                                    rkey + ".allow-unverified-tls");
                } else if (tls != null) {
                    problems.add(tls);
                    return;
                }
                SecretReference password = SecretSetting.check(problems, rkey + ".password", r.password());
                if (password == null) {
                    return;
                }
                try {
                    regions.put(region, new PostgresRegion(region, r.jdbcUrl(), r.user(), password));
                } catch (IllegalArgumentException e) {
                    problems.add(rkey + ".jdbc-url: " + e.getMessage());
                }
            });
            if (app.initialPrimary() == null || !configured.containsKey(app.initialPrimary())) {
                problems.add(key + ".initial-primary: must name one of the regions " + configured.keySet() + ", was "
                        + app.initialPrimary());
            }
            if (problems.size() == before) {
                try {
                    result.add(new PostgresApplication(id, app.initialPrimary(), regions, tables, app.appRole()));
                } catch (IllegalArgumentException e) {
                    problems.add(key + ": " + e.getMessage());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid hana-sync PostgreSQL settings:\n  " + String.join("\n  ", problems));
        }
        return result;
    }

    private static void check(List<String> problems, String key, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
        }
    }
}
