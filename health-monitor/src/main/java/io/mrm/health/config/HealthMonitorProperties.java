package io.mrm.health.config;

import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.probe.StatusRange;
import io.mrm.health.domain.AlertRouter;
import io.mrm.health.domain.DnsAnswerRule;
import io.mrm.kafka.SecretSetting;
import io.mrm.kafka.config.SettingChecks;
import io.mrm.kafka.config.SettingChecks.UrlRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * health-monitor settings (prefix {@code mrm.health}).
 *
 * <p>Checked when bound, at start-up: every problem is reported at once and each message names the
 * full key, e.g. {@code mrm.health.targets[1].url must be http or https}. (The checks live in the
 * constructor rather than in Bean Validation annotations because several are cross-field or need
 * the list index in the message.)
 *
 * @param vantage  the id of this monitor instance (vantage point), copied into every observation
 * @param vantageRegion the region or site this instance runs in (e.g. {@code eu10}, or {@code control} for a
 *                 third site), copied into every observation it publishes; optional
 * @param interval time between two probes of a target, unless the target sets its own; at least 100ms
 * @param targets  what to probe
 * @param pool     the bounded pool that runs the probes that block (JDBC, host-name look-ups)
 * @param alerts   the webhook endpoint for external alerts (Alertmanager, Azure Monitor); off unless enabled
 * @param http     how the HTTP and SEMP probes share HTTP clients
 */
@ConfigurationProperties("mrm.health")
public record HealthMonitorProperties(
        String vantage,
        String vantageRegion,
        @DefaultValue(DEFAULT_INTERVAL) Duration interval,
        List<Target> targets,
        @DefaultValue Pool pool,
        @DefaultValue AlertWebhook alerts,
        @DefaultValue Http http) {

    static final String PREFIX = "mrm.health";
    static final String DEFAULT_INTERVAL = "1s";
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The probe kinds a target may name; the others are produced by other parts of MRM. */
    static final Set<ProbeKind> PROBE_TYPES = EnumSet.of(
            ProbeKind.HTTP,
            ProbeKind.TCP,
            ProbeKind.DNS,
            ProbeKind.POSTGRES,
            ProbeKind.HANA,
            ProbeKind.AEM_SEMP,
            ProbeKind.AEM_MESSAGING);
    /** Solace's limits: topics up to 250 bytes, queue names up to 200 characters. */
    static final int MAX_TOPIC_BYTES = 250;

    static final int MAX_QUEUE_NAME = 200;

    /**
     * One target: a component of an application in one region, probed in one way. The settings of
     * the probe kind sit in the block named after it ({@code tcp}, {@code dns}, {@code postgres},
     * {@code hana}, {@code semp}, {@code jcsmp}); HTTP's are the target's own {@code url}, {@code expected-status} and
     * {@code body-contains}, so older configurations stay valid.
     *
     * @param applicationId  the application the observations are about
     * @param region         the region this target reaches
     * @param component      what the target checks, e.g. {@code app}, {@code db}, {@code aem}, {@code dns}
     * @param type           how: HTTP (default), TCP, DNS, POSTGRES, HANA, AEM_SEMP or AEM_MESSAGING
     * @param url            HTTP: http or https; no credentials in it
     * @param expectedStatus HTTP: status codes that count as UP, {@code 200-299} or a single code; no redirects (3xx)
     * @param redirectTo     HTTP: if set, a redirect (3xx) counts as UP when its Location (resolved against the url)
     *                       starts with this absolute URL; any other redirect is DOWN. Unset: every redirect is DOWN
     * @param bodyContains   HTTP: text the first 5,120 bytes of the body must contain; empty means not checked
     * @param method         HTTP: GET (default) or HEAD
     * @param headers        HTTP: request headers with plain values (no credentials: those go in secret-headers)
     * @param secretHeaders  HTTP: request headers whose values are credentials, e.g.
     *                       {@code Authorization: {env: ORDERS_HEALTH_AUTH}}; read at each probe, never logged
     * @param connectTimeout bound on connecting (HTTP, TCP, JDBC login, SEMP, JCSMP)
     * @param readTimeout    bound on the answer after connecting (HTTP, SEMP, each SQL statement, the DNS query,
     *                       the JCSMP login and bind); a JCSMP round trip may take connect + read timeout
     * @param interval       overrides {@code mrm.health.interval} for this target
     * @param tcp            TCP settings
     * @param dns            DNS settings
     * @param postgres       PostgreSQL settings
     * @param hana           SAP HANA settings
     * @param semp           Solace / AEM SEMP v2 settings
     * @param jcsmp          Solace / AEM messaging round-trip settings
     */
    public record Target(
            String applicationId,
            String region,
            @DefaultValue("app") String component,
            @DefaultValue("HTTP") ProbeKind type,
            String url,
            @DefaultValue("200-299") String expectedStatus,
            String redirectTo,
            String bodyContains,
            @DefaultValue("GET") String method,
            Map<String, String> headers,
            Map<String, SecretSetting> secretHeaders,
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("2s") Duration readTimeout,
            Duration interval,
            Tcp tcp,
            Dns dns,
            Postgres postgres,
            Hana hana,
            Semp semp,
            Jcsmp jcsmp) {

        public Target {
            headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
            secretHeaders = secretHeaders == null ? Map.of() : new LinkedHashMap<>(secretHeaders);
        }

        /** The interval this target is probed at. */
        public Duration effectiveInterval(Duration defaultInterval) {
            return interval == null ? defaultInterval : interval;
        }

        void check(String key, List<String> problems) {
            SettingChecks.name(problems, key + ".application-id", applicationId);
            SettingChecks.name(problems, key + ".region", region);
            SettingChecks.name(problems, key + ".component", component);
            SettingChecks.positive(problems, key + ".connect-timeout", connectTimeout);
            SettingChecks.positive(problems, key + ".read-timeout", readTimeout);
            if (interval != null) {
                checkInterval(problems, key + ".interval", interval);
            }
            if (type == null) {
                problems.add(key + ".type is required");
                return;
            }
            if (!PROBE_TYPES.contains(type)) {
                problems.add(
                        key + ".type " + type + " cannot be probed by the health monitor; use one of " + PROBE_TYPES);
                return;
            }
            switch (type) {
                case HTTP -> checkHttp(key, problems);
                case TCP -> required(problems, key, "tcp", tcp, () -> tcp.check(key + ".tcp", problems));
                case DNS -> required(problems, key, "dns", dns, () -> dns.check(key + ".dns", problems));
                case POSTGRES ->
                    required(problems, key, "postgres", postgres, () -> postgres.check(key + ".postgres", problems));
                case HANA -> required(problems, key, "hana", hana, () -> hana.check(key + ".hana", problems));
                case AEM_SEMP -> required(problems, key, "semp", semp, () -> semp.check(key + ".semp", problems));
                case AEM_MESSAGING ->
                    required(
                            problems,
                            key,
                            "jcsmp",
                            jcsmp,
                            () -> jcsmp.check(
                                    key + ".jcsmp",
                                    problems,
                                    connectTimeout != null && readTimeout != null
                                            ? connectTimeout.plus(readTimeout)
                                            : null));
                default -> throw new IllegalStateException("unreachable: " + type);
            }
        }

        private void checkHttp(String key, List<String> problems) {
            SettingChecks.url(problems, key + ".url", url, UrlRule.HTTP_OR_HTTPS, null);
            String m = method == null ? "" : method.trim().toUpperCase(Locale.ROOT);
            if (!m.equals("GET") && !m.equals("HEAD")) {
                problems.add(key + ".method must be GET or HEAD, was " + method);
            } else if (m.equals("HEAD") && bodyContains != null && !bodyContains.isEmpty()) {
                problems.add(key + ".body-contains cannot be checked with method HEAD (no body)");
            }
            headers.forEach((name, value) -> {
                checkHeaderName(problems, key + ".headers", name);
                if (CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    problems.add(key + ".headers." + name + " carries a credential: move it to " + key
                            + ".secret-headers." + name + ".env or .file");
                }
            });
            secretHeaders.forEach((name, secret) -> {
                checkHeaderName(problems, key + ".secret-headers", name);
                SecretSetting.check(problems, key + ".secret-headers." + name, secret);
                if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name))) {
                    problems.add(key + ".secret-headers." + name + " is also in " + key + ".headers");
                }
            });
            if (expectedStatus == null) {
                problems.add(key + ".expected-status is required");
            } else {
                try {
                    if (StatusRange.parse(expectedStatus).includesRedirects()) {
                        problems.add(key + ".expected-status " + expectedStatus + " includes redirects (3xx): a "
                                + "redirect is not an answer from the application (a login page, another region's "
                                + "page); use 200-299 and, if the page must redirect, redirect-to with the expected "
                                + "location");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(key + ".expected-status " + e.getMessage());
                }
            }
            if (redirectTo != null && !redirectTo.isBlank()) {
                SettingChecks.url(problems, key + ".redirect-to", redirectTo, UrlRule.HTTP_OR_HTTPS, null);
            }
        }

        private void required(List<String> problems, String key, String block, Object settings, Runnable check) {
            if (settings == null) {
                problems.add(key + "." + block + " is required for type " + type + " (e.g. " + key + "." + block + "."
                        + example(block) + ")");
            } else {
                check.run();
            }
        }

        private static String example(String block) {
            return switch (block) {
                case "tcp" -> "port";
                case "dns" -> "domain";
                case "semp" -> "url";
                case "jcsmp" -> "host";
                default -> "jdbc-url";
            };
        }
    }

    /**
     * TCP connect.
     *
     * @param host a host name or IP address
     * @param port 1-65535
     */
    public record Tcp(String host, Integer port) {

        void check(String key, List<String> problems) {
            if (host == null || host.isBlank()) {
                problems.add(key + ".host is required");
            }
            checkPort(problems, key + ".port", port);
        }
    }

    /**
     * DNS: which region the custom domain points at.
     *
     * @param domain   the application's custom domain, e.g. {@code orders.example.com}
     * @param resolver the DNS server to ask, {@code host} or {@code host:port} ({@code [v6]:port}); port 53 by default
     * @param answers  region → the CNAME targets or A/AAAA addresses that mean "routed to this region",
     *                 e.g. {@code eu10: orders.cfapps.eu10.hana.ondemand.com}
     */
    public record Dns(String domain, String resolver, Map<String, List<String>> answers) {

        public Dns {
            answers = answers == null ? Map.of() : new LinkedHashMap<>(answers);
        }

        void check(String key, List<String> problems) {
            if (domain == null || domain.isBlank()) {
                problems.add(key + ".domain is required");
            }
            if (resolver == null || resolver.isBlank()) {
                problems.add(key + ".resolver is required");
            } else {
                try {
                    HostPort.parse(resolver, 53);
                } catch (IllegalArgumentException e) {
                    problems.add(key + ".resolver " + e.getMessage());
                }
            }
            if (answers.isEmpty()) {
                problems.add(key + ".answers is required: region -> expected CNAME targets or addresses, e.g. " + key
                        + ".answers.eu10=orders.eu10.example.com");
                return;
            }
            int before = problems.size();
            answers.forEach((region, expected) -> SettingChecks.name(problems, key + ".answers key", region));
            if (problems.size() == before) {
                try {
                    new DnsAnswerRule(answers);
                } catch (IllegalArgumentException e) {
                    problems.add(key + ".answers " + e.getMessage());
                }
            }
        }
    }

    /**
     * PostgreSQL: {@code SELECT 1}, and the lag of a replication slot when named.
     *
     * @param jdbcUrl             {@code jdbc:postgresql://host:5432/db}; no password in it
     * @param username            the database user
     * @param password            where the password lives (environment variable or file)
     * @param replicationSlot     slot whose lag (bytes of WAL not yet confirmed) is reported; empty for none
     * @param maxReplicationLag   lag in bytes above which the result is DEGRADED
     * @param allowUnverifiedTls  a database outside loopback without {@code sslmode=verify-full} is refused
     *                            unless this is true (a stack without certificates); the monitor then warns
     *                            at every start
     */
    public record Postgres(
            String jdbcUrl,
            String username,
            SecretSetting password,
            String replicationSlot,
            @DefaultValue("16777216") long maxReplicationLag,
            Boolean allowUnverifiedTls) {

        void check(String key, List<String> problems) {
            checkJdbc(problems, key, jdbcUrl, "jdbc:postgresql:", username, password);
            checkTls(problems, key, jdbcUrl, allowUnverifiedTls);
            if (maxReplicationLag < 0) {
                problems.add(key + ".max-replication-lag must not be negative");
            }
        }
    }

    /**
     * SAP HANA Cloud: {@code SELECT 1 FROM DUMMY} and the remote-subscription replication backlog.
     *
     * @param jdbcUrl               {@code jdbc:sap://host:443?encrypt=true&validateCertificate=true}; no password in it
     * @param username              the database user (needs SELECT on SYS.M_REMOTE_SUBSCRIPTION_STATISTICS)
     * @param password              where the password lives (environment variable or file)
     * @param maxReplicationBacklog messages received but not applied above which the result is DEGRADED
     * @param maxApplyAge           if set, a subscription that applied no change for longer is DEGRADED (a
     *                              stalled link receives nothing, so its backlog reads 0); set it only when the
     *                              primary commits more often than that (or writes a heartbeat row)
     * @param allowUnverifiedTls    a database outside loopback without
     *                              {@code encrypt=true&validateCertificate=true} is refused unless this is true
     *                              (a stack without certificates); the monitor then warns at every start
     */
    public record Hana(
            String jdbcUrl,
            String username,
            SecretSetting password,
            @DefaultValue("10000") long maxReplicationBacklog,
            Duration maxApplyAge,
            Boolean allowUnverifiedTls) {

        void check(String key, List<String> problems) {
            checkJdbc(problems, key, jdbcUrl, "jdbc:sap:", username, password);
            checkTls(problems, key, jdbcUrl, allowUnverifiedTls);
            if (maxReplicationBacklog < 0) {
                problems.add(key + ".max-replication-backlog must not be negative");
            }
            if (maxApplyAge != null && (maxApplyAge.isZero() || maxApplyAge.isNegative())) {
                problems.add(key + ".max-apply-age must be positive");
            }
        }
    }

    /**
     * Solace / Advanced Event Mesh through the SEMP v2 monitor API.
     *
     * @param url                   the broker's SEMP address, e.g. {@code https://mr-abc.messaging.solace.cloud:943}
     * @param vpn                   the message VPN
     * @param username              the SEMP user (read-only suffices)
     * @param password              where the SEMP password lives
     * @param maxReplicationBacklog bytes in {@code #MSGVPN_REPLICATION_DATA_QUEUE} above which the result is DEGRADED
     */
    public record Semp(
            String url,
            String vpn,
            String username,
            SecretSetting password,
            @DefaultValue("104857600") long maxReplicationBacklog) {

        void check(String key, List<String> problems) {
            SettingChecks.url(problems, key + ".url", url, UrlRule.HTTP_OR_HTTPS, null);
            refuseClearTextCredentials(
                    problems,
                    key + ".url",
                    url,
                    "http",
                    "https",
                    "plain http would send the SEMP password in clear text");
            if (vpn == null || vpn.isBlank()) {
                problems.add(key + ".vpn is required");
            }
            if (username == null || username.isBlank()) {
                problems.add(key + ".username is required");
            }
            SecretSetting.check(problems, key + ".password", password);
            if (maxReplicationBacklog < 0) {
                problems.add(key + ".max-replication-backlog must not be negative");
            }
        }
    }

    /**
     * Solace / Advanced Event Mesh messaging through JCSMP: each probe publishes a persistent message to
     * {@code topic} and receives it back from {@code queue}. The queue is durable, created by an
     * administrator, subscribed to the topic and this monitor's own (one per monitor instance: the probe
     * consumes everything on it); the client username needs to publish guaranteed messages to the topic
     * and to consume from the queue, nothing more.
     *
     * @param host                the broker's SMF address: {@code tcps://mr-abc.messaging.solace.cloud:55443}
     *                            (TLS) or {@code tcp://host:55555}
     * @param vpn                 the message VPN
     * @param username            the client username
     * @param password            where the client password lives
     * @param topic               the probe topic, e.g. {@code mrm/probe/vantage-1}; no wildcards
     * @param queue               the probe queue, e.g. {@code mrm-probe-vantage-1}
     * @param maxRoundTrip        hand-over to arrival above which the result is DEGRADED; must be shorter than
     *                            connect-timeout + read-timeout, after which the round is DOWN
     * @param validateCertificate TLS: verify the broker's certificate and host name (default); turn off only for
     *                            a test broker
     * @param trustStore          TLS: a trust store file (JKS or PKCS12); the JDK's default one when empty
     * @param trustStorePassword  the trust store's password, if it has one
     */
    public record Jcsmp(
            String host,
            String vpn,
            String username,
            SecretSetting password,
            String topic,
            String queue,
            @DefaultValue("1s") Duration maxRoundTrip,
            @DefaultValue("true") boolean validateCertificate,
            String trustStore,
            SecretSetting trustStorePassword) {

        void check(String key, List<String> problems, Duration deadline) {
            boolean tls = checkSmfHost(problems, key + ".host", host);
            refuseClearTextCredentials(
                    problems,
                    key + ".host",
                    host,
                    "tcp",
                    "tcps",
                    "plain tcp would send the client password in clear text");
            if (vpn == null || vpn.isBlank()) {
                problems.add(key + ".vpn is required");
            }
            if (username == null || username.isBlank()) {
                problems.add(key + ".username is required");
            }
            SecretSetting.check(problems, key + ".password", password);
            checkTopic(problems, key + ".topic", topic);
            checkQueue(problems, key + ".queue", queue);
            SettingChecks.positive(problems, key + ".max-round-trip", maxRoundTrip);
            if (maxRoundTrip != null && deadline != null && maxRoundTrip.compareTo(deadline) >= 0) {
                problems.add(key + ".max-round-trip (" + maxRoundTrip.toMillis() + "ms) must be shorter than "
                        + "connect-timeout + read-timeout (" + deadline.toMillis() + "ms), or the probe could never "
                        + "report DEGRADED");
            }
            boolean hasTrustStore = trustStore != null && !trustStore.isBlank();
            if (hasTrustStore && !tls) {
                problems.add(key + ".trust-store is only used with tcps:// hosts");
            }
            if (trustStorePassword != null) {
                SecretSetting.check(problems, key + ".trust-store-password", trustStorePassword);
                if (!hasTrustStore) {
                    problems.add(key + ".trust-store-password is set but " + key + ".trust-store is not");
                }
            }
        }
    }

    /**
     * The threads of probes that block (JDBC, messaging sessions): each such target has a lane of its own
     * (a bulkhead), so one target's trouble never delays another's probe.
     *
     * @param threads threads of one target's lane (a target has one probe in flight at a time)
     * @param queue   probes of one target that may wait for its lane; beyond it the probe is not run and
     *                counted as not probed (never reported DOWN: it is the monitor's trouble, not the target's)
     */
    public record Pool(
            @DefaultValue("1") int threads,
            @DefaultValue("1") int queue) {}

    /**
     * The HTTP clients the HTTP and SEMP probes share (see the scale benchmark in docs/figures.md).
     *
     * @param clients         clients per distinct connect timeout; each has its own selector thread
     * @param executorThreads threads of the one executor all clients share; 0 for the JDK default, a
     *                        cached pool that grows to hundreds of threads under thousands of targets
     * @param maxIdleConnections idle connections each client keeps for reuse (JDK 17 walks all of them on
     *                        every request); 0 for unbounded. Needs to exceed the number of distinct
     *                        hosts per client, or probes reconnect each time
     */
    public record Http(
            @DefaultValue("2") int clients,
            @DefaultValue("2") int executorThreads,
            @DefaultValue("0") int maxIdleConnections) {}

    /**
     * The alert webhook: {@code POST /alerts/alertmanager} and {@code POST /alerts/azure-monitor}. It keeps
     * what the alerts say per application, region and component, and reports each component it holds on
     * the probe cadence (one observation per component, never one per alert instance).
     *
     * @param enabled           off by default
     * @param token             the bearer token callers must send ({@code Authorization: Bearer ...}); or, with
     *                          {@code username}, the basic-auth password
     * @param username          when set, basic authentication with this user and {@code token} as the password
     * @param rules             which alerts become observations of which application, region and component
     * @param refreshInterval   how often every component an alert holds is reported again, so that the
     *                          engine's stale-after never ages out an alert that still fires; keep it well below
     *                          stale-after. Default: {@code mrm.health.interval}, the probe cadence; at least 100ms
     * @param maxAge            how long a firing alert counts without the sender repeating it (an Alertmanager
     *                          {@code endsAt}, when sent, ends it sooner); it must exceed the repeat interval of
     *                          the Alertmanager route that notifies MRM ({@code repeat_interval}, 4h by default),
     *                          or a still-firing alert lapses between repeats. Also how long a resolution taken
     *                          as health ({@code resolved-means-up}) is reported UP. Default 5h
     * @param ignoredAlertNames alert names no rule matches, whatever their labels; default the always-firing
     *                          {@code Watchdog} and {@code InfoInhibitor} of kube-prometheus
     */
    public record AlertWebhook(
            @DefaultValue("false") boolean enabled,
            SecretSetting token,
            String username,
            List<AlertRule> rules,
            Duration refreshInterval,
            Duration maxAge,
            List<String> ignoredAlertNames) {

        static final Duration DEFAULT_MAX_AGE = Duration.ofHours(5);

        public AlertWebhook {
            rules = rules == null ? List.of() : List.copyOf(rules);
            maxAge = maxAge == null ? DEFAULT_MAX_AGE : maxAge;
            ignoredAlertNames = ignoredAlertNames == null
                    ? AlertRouter.DEFAULT_IGNORED_ALERT_NAMES.stream().sorted().toList()
                    : new ArrayList<>(ignoredAlertNames);
        }

        static AlertWebhook disabled() {
            return new AlertWebhook(false, null, null, null, null, null, null);
        }

        /** How often the held components are reported: {@code refresh-interval}, else the probe interval. */
        public Duration effectiveRefreshInterval(Duration probeInterval) {
            return refreshInterval == null ? probeInterval : refreshInterval;
        }

        void check(String key, List<String> problems, Duration probeInterval) {
            if (!enabled) {
                return;
            }
            SecretSetting.check(problems, key + ".token", token);
            if (rules.isEmpty()) {
                problems.add(key + ".rules is required when " + key + ".enabled is true: no alert would be mapped");
            }
            if (refreshInterval != null) {
                checkInterval(problems, key + ".refresh-interval", refreshInterval);
            }
            Duration refresh = effectiveRefreshInterval(probeInterval);
            if (maxAge.isZero() || maxAge.isNegative()) {
                problems.add(key + ".max-age must be positive, was " + maxAge);
            } else if (refresh != null && maxAge.compareTo(refresh) <= 0) {
                problems.add(key + ".max-age (" + maxAge + ") must be longer than the refresh interval (" + refresh
                        + "), or a firing alert lapses before it is reported again; set it above Alertmanager's "
                        + "repeat_interval");
            }
            for (int i = 0; i < ignoredAlertNames.size(); i++) {
                String name = ignoredAlertNames.get(i);
                if (name == null || name.isBlank()) {
                    problems.add(key + ".ignored-alert-names[" + i + "] must not be blank");
                }
            }
            Map<String, Integer> components = new HashMap<>();
            for (int i = 0; i < rules.size(); i++) {
                String at = key + ".rules[" + i + "]";
                int before = problems.size();
                AlertRule rule = rules.get(i);
                rule.check(at, problems, ignoredAlertNames);
                if (problems.size() > before) {
                    continue;
                }
                // one component's resolutions either are health or are not, whichever rule an alert came through
                String component = rule.applicationId() + "/" + rule.region() + "/" + rule.component();
                Integer first = components.putIfAbsent(component, i);
                if (first != null && rules.get(first).resolvedMeansUp() != rule.resolvedMeansUp()) {
                    problems.add(at + ".resolved-means-up is " + rule.resolvedMeansUp() + " but " + key + ".rules["
                            + first + "], for the same component " + component + ", says " + !rule.resolvedMeansUp()
                            + "; set them alike");
                }
            }
        }
    }

    /**
     * Maps alerts to the component they are about. An alert matches when its name equals
     * {@code alert-name} (if set), its {@code severity} label is one of {@code severities} (if set) and it
     * carries every one of {@code labels} (Alertmanager labels; Azure Monitor custom properties). An alert
     * in {@code ignored-alert-names} matches no rule. The component is DOWN while any alert it matched fires.
     *
     * @param alertName       Alertmanager {@code labels.alertname} / Azure {@code essentials.alertRule}
     * @param severities      accepted values of the alert's {@code severity} label (Azure: {@code Sev0}..{@code Sev4});
     *                        empty for any
     * @param labels          labels (custom properties) the alert must carry with these values
     * @param applicationId   the application the observation is about
     * @param region          the region
     * @param component       the component, {@code app} by default
     * @param resolvedMeansUp report the component UP once all its alerts have resolved (for {@code max-age});
     *                        false by default: a resolution only ends the DOWN reports, because an alert also
     *                        resolves when the Prometheus that evaluated it died with its region
     */
    public record AlertRule(
            String alertName,
            List<String> severities,
            Map<String, String> labels,
            String applicationId,
            String region,
            @DefaultValue("app") String component,
            boolean resolvedMeansUp) {

        public AlertRule {
            severities = severities == null ? List.of() : new ArrayList<>(severities);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        void check(String key, List<String> problems, List<String> ignoredAlertNames) {
            if ((alertName == null || alertName.isBlank()) && severities.isEmpty() && labels.isEmpty()) {
                problems.add(key + " needs alert-name, severities or labels, or it would match every alert");
            }
            if (alertName != null && ignoredAlertNames.contains(alertName)) {
                problems.add(key + ".alert-name " + alertName + " is in ignored-alert-names, so the rule could never "
                        + "match; remove it from one of them");
            }
            for (int i = 0; i < severities.size(); i++) {
                if (severities.get(i) == null || severities.get(i).isBlank()) {
                    problems.add(key + ".severities[" + i + "] must not be blank");
                }
            }
            SettingChecks.name(problems, key + ".application-id", applicationId);
            SettingChecks.name(problems, key + ".region", region);
            SettingChecks.name(problems, key + ".component", component);
        }
    }

    public HealthMonitorProperties {
        // empty means unset, so that the yml can read ${MRM_VANTAGE_REGION:} without a default
        vantageRegion = vantageRegion == null || vantageRegion.isEmpty() ? null : vantageRegion;
        targets = targets == null ? List.of() : List.copyOf(targets);
        pool = pool == null ? new Pool(8, 256) : pool;
        alerts = alerts == null ? AlertWebhook.disabled() : alerts;
        http = http == null ? new Http(2, 2, 0) : http;
        List<String> problems = new ArrayList<>();
        SettingChecks.name(problems, PREFIX + ".vantage", vantage);
        if (vantageRegion != null) {
            SettingChecks.name(problems, PREFIX + ".vantage-region", vantageRegion);
        }
        checkInterval(problems, PREFIX + ".interval", interval);
        if (pool.threads() < 1 || pool.threads() > 256) {
            problems.add(PREFIX + ".pool.threads must be 1-256, was " + pool.threads());
        }
        if (pool.queue() < 1) {
            problems.add(PREFIX + ".pool.queue must be at least 1, was " + pool.queue());
        }
        alerts.check(PREFIX + ".alerts", problems, interval);
        if (http.clients() < 1 || http.clients() > 64) {
            problems.add(PREFIX + ".http.clients must be 1-64, was " + http.clients());
        }
        if (http.maxIdleConnections() < 0) {
            problems.add(PREFIX + ".http.max-idle-connections must not be negative, was " + http.maxIdleConnections());
        }
        if (http.executorThreads() < 0 || http.executorThreads() > 256) {
            problems.add(PREFIX + ".http.executor-threads must be 0-256, was " + http.executorThreads());
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            String key = PREFIX + ".targets[" + i + "]";
            int before = problems.size();
            target.check(key, problems);
            if (problems.size() == before) {
                String identity = target.applicationId() + "/" + target.region() + "/" + target.component();
                Integer first = seen.putIfAbsent(identity, i);
                if (first != null) {
                    problems.add(key + " has the same application-id, region and component (" + identity + ") as "
                            + PREFIX + ".targets[" + first + "]; give it another component");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid health-monitor configuration:\n - " + String.join("\n - ", problems));
        }
    }

    private static void checkInterval(List<String> problems, String key, Duration value) {
        if (value == null) {
            problems.add(key + " is required");
        } else if (value.compareTo(MIN_INTERVAL) < 0) {
            problems.add(key + " must be at least " + MIN_INTERVAL.toMillis() + "ms, was " + value.toMillis() + "ms");
        }
    }

    /** Headers the JDK client sets itself and refuses from callers. */
    static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");
    /** Headers that carry credentials and so belong in secret-headers. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static void checkHeaderName(List<String> problems, String key, String name) {
        if (!TOKEN.matcher(name).matches()) {
            problems.add(key + " '" + name + "' is not a valid header name");
        } else if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(key + "." + name + " is set by the HTTP client itself and cannot be configured");
        }
    }

    private static void checkPort(List<String> problems, String key, Integer port) {
        if (port == null) {
            problems.add(key + " is required");
        } else if (port < 1 || port > 65535) {
            problems.add(key + " must be 1-65535, was " + port);
        }
    }

    /** An SMF address; true when it is TLS ({@code tcps://}). */
    /**
     * A probe that logs in sends its password: over the network only with TLS, as aem-sync requires;
     * the plain scheme only on loopback (the sandbox, tests).
     */
    private static void refuseClearTextCredentials(
            List<String> problems, String key, String value, String plain, String secure, String why) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            URI uri = new URI(value.trim());
            if (plain.equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !loopback(uri.getHost())) {
                problems.add(key + " must use " + secure + " (TLS): " + why + " (" + plain
                        + " is allowed only on loopback)");
            }
        } catch (URISyntaxException e) {
            // reported by the address check
        }
    }

    static boolean loopback(String host) {
        return io.mrm.kafka.config.Loopback.host(host);
    }

    private static boolean checkSmfHost(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required, e.g. tcps://mr-abc.messaging.solace.cloud:55443");
            return false;
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            problems.add(key + " is not a valid address: " + e.getReason() + " at index " + e.getIndex());
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcps") && !scheme.equals("tcp")) {
            problems.add(
                    key + " must start with tcps:// (TLS) or tcp://" + (scheme.isEmpty() ? "" : ", was " + scheme));
            return false;
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(key + " must not contain credentials");
        } else if (uri.getHost() == null) {
            problems.add(key + " must name a host (and a port 1-65535, if any), e.g. " + scheme
                    + "://broker.example.com:" + (scheme.equals("tcps") ? 55443 : 55555));
        } else if ((uri.getRawPath() != null
                        && !uri.getRawPath().isEmpty()
                        && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            problems.add(key + " must be " + scheme + "://host:port only, with no path or query");
        }
        return scheme.equals("tcps");
    }

    private static void checkTopic(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required, e.g. mrm/probe/vantage-1");
        } else if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
            problems.add(key + " is longer than " + MAX_TOPIC_BYTES + " bytes");
        } else if (value.indexOf('*') >= 0 || value.indexOf('>') >= 0) {
            problems.add(key + " '" + value + "' must not contain the wildcards * or >: the probe publishes to it");
        } else if (value.startsWith("#")) {
            problems.add(key + " '" + value + "' starts with #, which the broker reserves for itself");
        } else if (value.startsWith("/")
                || value.endsWith("/")
                || value.contains("//")
                || !value.equals(value.strip())) {
            problems.add(key + " '" + value + "' has an empty level or surrounding blanks");
        }
    }

    private static void checkQueue(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required: a durable queue subscribed to the probe topic, e.g. mrm-probe-vantage-1");
        } else if (value.length() > MAX_QUEUE_NAME) {
            problems.add(key + " is longer than " + MAX_QUEUE_NAME + " characters");
        } else if (value.startsWith("#")) {
            problems.add(key + " '" + value + "' is a system queue; the probe needs a queue of its own");
        } else if (value.indexOf('*') >= 0
                || value.indexOf('>') >= 0
                || value.indexOf('?') >= 0
                || !value.equals(value.strip())) {
            problems.add(key + " '" + value + "' must be a plain queue name (no *, >, ? or surrounding blanks)");
        }
    }

    private static void checkJdbc(
            List<String> problems, String key, String url, String scheme, String username, SecretSetting password) {
        if (url == null || url.isBlank()) {
            problems.add(key + ".jdbc-url is required");
        } else if (!url.trim().startsWith(scheme)) {
            problems.add(key + ".jdbc-url must start with " + scheme);
        } else if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            // the URL ends up in details and logs; the password comes from the environment or a file
            problems.add(key + ".jdbc-url must not contain a password; use " + key + ".password.env or " + key
                    + ".password.file");
        }
        if (username == null || username.isBlank()) {
            problems.add(key + ".username is required");
        }
        SecretSetting.check(problems, key + ".password", password);
    }

    /** Credentials never cross a network in clear text or to an unverified server, unless opted out (logged). */
    private static void checkTls(List<String> problems, String key, String url, Boolean allowUnverified) {
        String tls = io.mrm.kafka.config.DatabaseTls.problem(key + ".jdbc-url", url, key + ".allow-unverified-tls");
        if (tls != null && Boolean.TRUE.equals(allowUnverified)) {
            org.slf4j.LoggerFactory.getLogger(HealthMonitorProperties.class)
                    .warn("{}: TLS to the database is not " + "verified ({}.allow-unverified-tls: true)", key, key);
        } else if (tls != null) {
            problems.add(tls);
        }
    }
}
