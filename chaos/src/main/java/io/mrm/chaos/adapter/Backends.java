package io.mrm.chaos.adapter;

import io.mrm.chaos.domain.BackendState;
import io.mrm.sandbox.dns.LoopbackAuthoritativeDnsServer;
import io.mrm.sempfake.SempV2Fake;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What docker-compose.yml runs beside MRM, on loopback in the harness's JVM: a PostgreSQL per region (the
 * application's database, set up with the stack's own {@code deploy/compose/postgres/init.sql}), a SEMP v2 fake per
 * region for its event broker (the stack's Solace brokers), the authoritative DNS server for {@code mrm.test} (the
 * stack's BIND) and the secrets {@code make-secrets.sh} would write. The health monitors reach each database through
 * a {@link TcpLink}, so a region can be taken from their view alone.
 */
public final class Backends implements AutoCloseable {

    public static final String APP = "shop";
    public static final String REGION_A = "region-a";
    public static final String REGION_B = "region-b";
    public static final List<String> REGIONS = List.of(REGION_A, REGION_B);
    static final String DNS_ZONE = "mrm.test";
    static final String DNS_NAME = APP + "." + DNS_ZONE;
    /** The stack's database owner and VPN, as its config files name them. */
    static final String DB_USER = "mrm";

    static final String VPN = "default";
    static final String SEMP_USER = "admin";

    private final Path secrets;
    private final String postgresPassword;
    private final Map<String, EmbeddedPostgres> databases = new LinkedHashMap<>();
    private final Map<String, TcpLink> monitorLinks = new LinkedHashMap<>();
    private final Map<String, TcpLink> databaseLinks = new LinkedHashMap<>();
    private final Map<String, SempV2Fake> eventBrokers = new LinkedHashMap<>();
    private final LoopbackAuthoritativeDnsServer dns;
    private final List<AutoCloseable> resources = new ArrayList<>();

    public Backends(Path runDir, Path repository) throws IOException {
        secrets = Files.createDirectories(runDir.resolve("secrets"));
        SecureRandom random = new SecureRandom();
        postgresPassword = secret("postgres_password", randomText(random, 18));
        String sempPassword = secret("solace_admin_password", randomText(random, 18));
        byte[] tsig = new byte[32];
        random.nextBytes(tsig);
        secret("dns_tsig_secret", Base64.getEncoder().encodeToString(tsig));
        String initSql = Files.readString(repository.resolve("deploy/compose/postgres/init.sql"));
        for (String region : REGIONS) {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .start();
            databases.put(region, pg);
            resources.add(pg);
            setUpDatabase(pg.getPort(), initSql);
            TcpLink link = new TcpLink(pg.getPort());
            monitorLinks.put(region, link);
            resources.add(link);
            TcpLink others = new TcpLink(pg.getPort());
            databaseLinks.put(region, others);
            resources.add(others);
        }
        SempV2Fake active = new SempV2Fake(SEMP_USER, sempPassword).vpn(VPN, "active");
        SempV2Fake standby = new SempV2Fake(SEMP_USER, sempPassword, active).vpn(VPN, "standby");
        active.replicate(VPN, standby, VPN);
        eventBrokers.put(REGION_A, active);
        eventBrokers.put(REGION_B, standby);
        resources.add(active::close);
        resources.add(standby::close);
        List<Record> records = new ArrayList<>();
        records.add(new CNAMERecord(name(DNS_NAME), DClass.IN, 30, name(regionHost(REGION_A))));
        for (String region : REGIONS) {
            records.add(new ARecord(name(regionHost(region)), DClass.IN, 30, InetAddress.getLoopbackAddress()));
        }
        dns = new LoopbackAuthoritativeDnsServer(name(DNS_ZONE), name("mrm-dns"), TSIG.HMAC_SHA256, tsig, records);
        resources.add(dns);
    }

    /** The stack's database and role, made as the postgres image's init would: init.sql run by the owner mrm. */
    private void setUpDatabase(int port, String initSql) throws IOException {
        try (Connection c = DriverManager.getConnection(jdbc(port, "postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + DB_USER + " SUPERUSER REPLICATION LOGIN PASSWORD '" + postgresPassword + "'");
            s.execute("CREATE DATABASE " + APP + " OWNER " + DB_USER);
        } catch (SQLException e) {
            throw new IOException("creating the database failed: " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection(jdbc(port, APP), DB_USER, postgresPassword);
                Statement s = c.createStatement()) {
            s.execute(initSql);
        } catch (SQLException e) {
            throw new IOException("init.sql failed: " + e.getMessage(), e);
        }
    }

    /**
     * Where each compose host:port is on loopback, for one service: the monitors reach the databases through
     * their links, everyone else through the database's own link (cut only when the whole region goes).
     */
    public Map<String, String> loopbackAddresses(boolean monitor) {
        Map<String, String> hosts = new LinkedHashMap<>();
        for (String region : REGIONS) {
            String suffix = region.substring(region.length() - 1);
            int db = monitor
                    ? monitorLinks.get(region).port()
                    : databaseLinks.get(region).port();
            hosts.put("postgres-" + suffix + ":5432", "127.0.0.1:" + db);
            // the stack's brokers speak SEMP over TLS; the fakes plain HTTP on loopback
            hosts.put(
                    "https://solace-" + suffix + ":1943",
                    eventBrokers.get(region).baseUrl().toString());
        }
        hosts.put("dns:53", "127.0.0.1:" + dns.port());
        return hosts;
    }

    /** The folder standing for /run/secrets/. */
    public Path secrets() {
        return secrets;
    }

    /** The region's database as the health monitors see it: cut, or back. */
    public TcpLink monitorLink(String region) {
        return monitorLinks.get(region);
    }

    /**
     * The whole region's backends stop answering (its database for everyone, the monitors included; its event
     * broker's SEMP answers 503), or, with {@code failed} false, answer again. The harness itself still reads them.
     */
    public void regionFailed(String region, boolean failed) {
        if (failed) {
            monitorLinks.get(region).cut();
            databaseLinks.get(region).cut();
            eventBrokers
                    .get(region)
                    .failUntilCleared(
                            new SempV2Fake.Failure(503, 0, "SERVICE_UNAVAILABLE", "the region's broker is down"));
        } else {
            eventBrokers.get(region).clearFaults();
            databaseLinks.get(region).restore();
            monitorLinks.get(region).restore();
        }
    }

    /** What the backends hold now: where DNS points, which databases take the application's writes, which VPNs are active. */
    public BackendState state() {
        return new BackendState(dnsRegion(), writableDatabases(), activeEventVpns());
    }

    String dnsRegion() {
        try {
            SimpleResolver resolver = new SimpleResolver(dns.address());
            resolver.setTCP(true);
            resolver.setTimeout(Duration.ofSeconds(5));
            Message answer = resolver.send(Message.newQuery(Record.newRecord(name(DNS_NAME), Type.CNAME, DClass.IN)));
            for (Record record : answer.getSection(Section.ANSWER)) {
                if (record instanceof CNAMERecord cname) {
                    for (String region : REGIONS) {
                        if (cname.getTarget().equals(name(regionHost(region)))) {
                            return region;
                        }
                    }
                    return cname.getTarget().toString();
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("asking the DNS server failed", e);
        }
    }

    private Set<String> writableDatabases() {
        Set<String> writable = new LinkedHashSet<>();
        databases.forEach((region, pg) -> {
            try (Connection c = DriverManager.getConnection(jdbc(pg.getPort(), APP), DB_USER, postgresPassword);
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT has_table_privilege('shop_app', 'public.orders', 'INSERT')")) {
                if (rs.next() && rs.getBoolean(1)) {
                    writable.add(region);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading " + region + "'s grants failed: " + e.getMessage(), e);
            }
        });
        return writable;
    }

    private Set<String> activeEventVpns() {
        Set<String> active = new LinkedHashSet<>();
        eventBrokers.forEach((region, fake) -> {
            if ("active".equals(fake.role(VPN))) {
                active.add(region);
            }
        });
        return active;
    }

    /**
     * A connection to {@code region}'s database on the application's path (its link), as the database's owner: the
     * caller sets the application's role. Short timeouts: a write to a region that is gone fails, not hangs.
     */
    public Connection applicationConnection(String region) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", DB_USER);
        properties.setProperty("password", postgresPassword);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "10");
        return DriverManager.getConnection(jdbc(databaseLinks.get(region).port(), APP), properties);
    }

    /** The ids of the application's orders {@code region}'s database holds, read from it directly. */
    public Set<Long> orderIds(String region) {
        EmbeddedPostgres pg = databases.get(region);
        Set<Long> ids = new java.util.HashSet<>();
        try (Connection c = DriverManager.getConnection(jdbc(pg.getPort(), APP), DB_USER, postgresPassword);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM public.orders")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + region + "'s orders failed: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * A fault behind MRM's back: gives the application's role its writes in {@code region}'s database again, as an
     * operator's stray GRANT would (two writable databases if MRM had fenced that one).
     */
    public void grantWrites(String region) {
        EmbeddedPostgres pg = databases.get(region);
        try (Connection c = DriverManager.getConnection(jdbc(pg.getPort(), APP), DB_USER, postgresPassword);
                Statement s = c.createStatement()) {
            s.execute("GRANT INSERT, UPDATE, DELETE ON public.orders TO shop_app");
        } catch (SQLException e) {
            throw new IllegalStateException("granting writes in " + region + " failed: " + e.getMessage(), e);
        }
    }

    private String secret(String name, String value) throws IOException {
        Path file = Files.createFile(
                secrets.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value, StandardCharsets.US_ASCII);
        return value;
    }

    private static String randomText(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(b)
                .replace("-", "x")
                .replace("_", "y");
    }

    private static String jdbc(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static String regionHost(String region) {
        return APP + "." + region + "." + DNS_ZONE;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }
}
