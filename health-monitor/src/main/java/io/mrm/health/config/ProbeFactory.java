package io.mrm.health.config;

import io.mrm.health.adapter.probe.BlockingProbePool;
import io.mrm.health.adapter.probe.DnsProbe;
import io.mrm.health.adapter.probe.DriverConnectionSource;
import io.mrm.health.adapter.probe.HanaCheck;
import io.mrm.health.adapter.probe.HostLookups;
import io.mrm.health.adapter.probe.HttpClients;
import io.mrm.health.adapter.probe.HttpProbe;
import io.mrm.health.adapter.probe.JcsmpTransport;
import io.mrm.health.adapter.probe.JdbcProbe;
import io.mrm.health.adapter.probe.PostgresCheck;
import io.mrm.health.adapter.probe.SempProbe;
import io.mrm.health.adapter.probe.StatusRange;
import io.mrm.health.adapter.probe.TcpProbe;
import io.mrm.health.domain.DnsAnswerRule;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeTarget;
import io.mrm.health.domain.RoundTripProbe;
import io.mrm.kafka.SecretReference;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns one validated target of the configuration into the probe that checks it. */
final class ProbeFactory {

    private static final Logger log = LoggerFactory.getLogger(ProbeFactory.class);

    /** The scheduler's own deadline sits this far behind the probe's, as a net for a probe that hangs. */
    static final Duration SCHEDULER_MARGIN = Duration.ofSeconds(1);
    /** dnsjava enforces the query timeout; the probe's own bound sits this much later. */
    static final Duration DNS_MARGIN = Duration.ofMillis(500);
    /**
     * JCSMP enforces the connect and read timeouts (the latter rounded up to whole seconds, as observed);
     * a round trip's own bound sits this much later, so that JCSMP's more precise reason comes first.
     */
    static final Duration JCSMP_MARGIN = Duration.ofSeconds(1);

    private final HttpClients clients;
    private final BlockingProbePool pool;
    private final HostLookups lookups;

    ProbeFactory(HttpClients clients, BlockingProbePool pool) {
        this(clients, pool, HostLookups.shared());
    }

    ProbeFactory(HttpClients clients, BlockingProbePool pool, HostLookups lookups) {
        this.clients = clients;
        this.pool = pool;
        this.lookups = lookups;
    }

    /** A blocking probe's own lane (bulkhead), named after its target. */
    private BlockingProbePool lane(HealthMonitorProperties.Target target) {
        return pool.lane(target.applicationId() + "-" + target.region() + "-" + target.component());
    }

    MonitoredTarget monitored(HealthMonitorProperties.Target target, Duration defaultInterval) {
        return switch (target.type()) {
            case HTTP -> httpTarget(target, defaultInterval, clients, lookups);
            case TCP -> {
                TcpProbe.Settings settings = new TcpProbe.Settings(
                        target.tcp().host().trim(), target.tcp().port(), target.connectTimeout());
                yield monitored(target, defaultInterval, new TcpProbe(settings, lookups), target.connectTimeout());
            }
            case DNS -> {
                HealthMonitorProperties.Dns dns = target.dns();
                HostPort resolver = HostPort.parse(dns.resolver(), 53);
                DnsProbe.Settings settings = new DnsProbe.Settings(
                        dns.domain().trim(),
                        new InetSocketAddress(resolver.host(), resolver.port()),
                        target.readTimeout());
                yield monitored(
                        target,
                        defaultInterval,
                        new DnsProbe(settings, new DnsAnswerRule(dns.answers())),
                        target.readTimeout().plus(DNS_MARGIN));
            }
            case POSTGRES -> {
                HealthMonitorProperties.Postgres pg = target.postgres();
                DriverConnectionSource source = new DriverConnectionSource(
                        pg.jdbcUrl().trim(),
                        pg.username(),
                        pg.password().reference(),
                        postgresTimeouts(target.connectTimeout(), target.readTimeout()));
                JdbcProbe probe = new JdbcProbe(
                        source,
                        new PostgresCheck(pg.replicationSlot(), pg.maxReplicationLag()),
                        lane(target),
                        target.connectTimeout(),
                        target.readTimeout());
                yield monitored(target, defaultInterval, probe, probe.deadline());
            }
            case HANA -> {
                HealthMonitorProperties.Hana hana = target.hana();
                DriverConnectionSource source = new DriverConnectionSource(
                        hana.jdbcUrl().trim(),
                        hana.username(),
                        hana.password().reference(),
                        hanaTimeouts(target.connectTimeout(), target.readTimeout()));
                JdbcProbe probe = new JdbcProbe(
                        source,
                        new HanaCheck(hana.maxReplicationBacklog(), hana.maxApplyAge()),
                        lane(target),
                        target.connectTimeout(),
                        target.readTimeout());
                yield monitored(target, defaultInterval, probe, probe.deadline());
            }
            case AEM_SEMP -> {
                HealthMonitorProperties.Semp semp = target.semp();
                SempProbe.Settings settings = new SempProbe.Settings(
                        URI.create(semp.url().trim()),
                        semp.vpn(),
                        semp.username(),
                        semp.password().reference(),
                        semp.maxReplicationBacklog(),
                        target.connectTimeout(),
                        target.readTimeout());
                yield monitored(
                        target,
                        defaultInterval,
                        new SempProbe(clients.withConnectTimeout(target.connectTimeout()), settings, lookups),
                        settings.deadline());
            }
            case AEM_MESSAGING -> {
                RoundTripProbe probe = jcsmpProbe(target);
                yield monitored(target, defaultInterval, probe, probe.settings().deadline());
            }
            default -> throw new IllegalArgumentException("type " + target.type() + " cannot be probed");
        };
    }

    private RoundTripProbe jcsmpProbe(HealthMonitorProperties.Target target) {
        HealthMonitorProperties.Jcsmp jcsmp = target.jcsmp();
        boolean hasTrustStore =
                jcsmp.trustStore() != null && !jcsmp.trustStore().isBlank();
        JcsmpTransport.Settings settings = new JcsmpTransport.Settings(
                jcsmp.host().trim(),
                jcsmp.vpn(),
                jcsmp.username(),
                jcsmp.password().reference(),
                jcsmp.topic(),
                jcsmp.queue(),
                target.connectTimeout(),
                target.readTimeout(),
                jcsmp.validateCertificate(),
                hasTrustStore ? Path.of(jcsmp.trustStore().trim()) : null,
                jcsmp.trustStorePassword() == null
                        ? null
                        : jcsmp.trustStorePassword().reference());
        if (!jcsmp.validateCertificate()) {
            log.warn(
                    "{}/{}/{}: TLS certificate validation is off for {} (validate-certificate: false); use this only "
                            + "with a test broker",
                    target.applicationId(),
                    target.region(),
                    target.component(),
                    settings.host());
        }
        return new RoundTripProbe(
                new JcsmpTransport(settings, lane(target)),
                new RoundTripProbe.Settings(
                        target.connectTimeout().plus(target.readTimeout()).plus(JCSMP_MARGIN), jcsmp.maxRoundTrip()),
                () -> UUID.randomUUID().toString(),
                System::nanoTime);
    }

    static MonitoredTarget httpTarget(
            HealthMonitorProperties.Target target, Duration defaultInterval, HttpClients clients) {
        return httpTarget(target, defaultInterval, clients, HostLookups.shared());
    }

    static MonitoredTarget httpTarget(
            HealthMonitorProperties.Target target, Duration defaultInterval, HttpClients clients, HostLookups lookups) {
        Map<String, SecretReference> secretHeaders = new LinkedHashMap<>();
        target.secretHeaders().forEach((name, secret) -> secretHeaders.put(name, secret.reference()));
        HttpProbe.Settings settings = new HttpProbe.Settings(
                URI.create(target.url().trim()),
                StatusRange.parse(target.expectedStatus()),
                target.bodyContains(),
                target.connectTimeout(),
                target.readTimeout(),
                target.method().trim(),
                target.headers(),
                secretHeaders,
                target.redirectTo() == null || target.redirectTo().isBlank()
                        ? null
                        : URI.create(target.redirectTo().trim()));
        return monitored(
                target,
                defaultInterval,
                new HttpProbe(clients.withConnectTimeout(settings.connectTimeout()), settings, lookups),
                settings.deadline());
    }

    private static MonitoredTarget monitored(
            HealthMonitorProperties.Target target, Duration defaultInterval, Probe probe, Duration probeDeadline) {
        ProbeTarget probeTarget = new ProbeTarget(
                target.applicationId(),
                target.region(),
                target.component(),
                target.type(),
                target.effectiveInterval(defaultInterval),
                probeDeadline.plus(SCHEDULER_MARGIN));
        return new MonitoredTarget(probeTarget, probe);
    }

    /** pgJDBC takes seconds. */
    static Map<String, String> postgresTimeouts(Duration connect, Duration read) {
        return Map.of(
                "connectTimeout", Long.toString(seconds(connect)),
                "loginTimeout", Long.toString(seconds(connect)),
                // a net under Statement.setQueryTimeout for a server that stops answering mid-query
                "socketTimeout", Long.toString(seconds(connect.plus(read)) + 1),
                "ApplicationName", "mrm-health-monitor");
    }

    /** ngdbc takes milliseconds. */
    static Map<String, String> hanaTimeouts(Duration connect, Duration read) {
        return Map.of(
                "connectTimeout", Long.toString(connect.toMillis()),
                "communicationTimeout", Long.toString(connect.plus(read).toMillis()));
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
