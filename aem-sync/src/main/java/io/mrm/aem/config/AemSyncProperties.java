package io.mrm.aem.config;

import io.mrm.aem.domain.ActuatorLimits;
import io.mrm.kafka.SecretSetting;
import io.mrm.kafka.config.SettingChecks;
import io.mrm.kafka.config.SettingChecks.UrlRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * aem-sync settings (prefix {@code mrm.aem}). Checked when bound, at start-up: every problem is
 * reported at once, each message naming the full key, e.g.
 * {@code mrm.aem.applications.orders.regions.eu10.semp-url must be https}.
 *
 * @param connectTimeout    bound on connecting to a broker's SEMP service
 * @param requestTimeout    bound on one SEMP request
 * @param pollInterval      pause between two reads while waiting (role, drain, fence); at least 10ms
 * @param roleChangeTimeout how long a set-role waits for the new role to be observed; at most 4m
 * @param drainMaxWait      how long a drain waits for the replication queue to empty; at most 4m
 *                          (the command's deadline bounds both too). The listener thread waits, and
 *                          Kafka's {@code max.poll.interval.ms} is 5m
 * @param verifyTimeout     bound on the verify step's publish-and-receive check
 * @param ackMargin         kept free before a command's deadline so that its acknowledgement arrives in time
 * @param brokerFencing     keep fence marks (small disabled queues named {@code mrm/<app>/...}) on each
 *                          VPN so that actuator instances with different epochs cannot flip-flop a
 *                          role; needs a SEMP user allowed to create queues in the VPN
 * @param intentLease       an intent older than this counts as left by a crashed actuator; more than
 *                          twice {@code request-timeout}
 * @param applications      application id → its regions' event brokers
 */
@ConfigurationProperties("mrm.aem")
public record AemSyncProperties(
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("30s") Duration roleChangeTimeout,
        @DefaultValue("2m") Duration drainMaxWait,
        @DefaultValue("15s") Duration verifyTimeout,
        @DefaultValue("1s") Duration ackMargin,
        @DefaultValue("true") boolean brokerFencing,
        @DefaultValue("60s") Duration intentLease,
        Map<String, Application> applications) {

    static final String PREFIX = "mrm.aem";
    static final Duration MAX_WAIT = Duration.ofMinutes(4);

    /** @param regions region id → the Message VPN that serves the application there */
    public record Application(Map<String, Region> regions) {

        public Application {
            regions = regions == null ? Map.of() : new LinkedHashMap<>(regions);
        }
    }

    /**
     * One region's Message VPN.
     *
     * @param sempUrl       the broker's SEMP service, e.g. {@code https://mr-abc.messaging.solace.cloud:943};
     *                      https (plain http only on loopback, for the sandbox and tests)
     * @param vpn           the Message VPN's name
     * @param username      SEMP user for basic authentication (with {@code password})
     * @param password      where that user's password lives
     * @param bearerToken   instead of user and password: where an OAuth access token lives (a file a
     *                      sidecar refreshes, or an environment variable)
     * @param deliveryCheck optional: the JCSMP publish-and-receive check the verify step runs
     */
    public record Region(
            String sempUrl,
            String vpn,
            String username,
            SecretSetting password,
            SecretSetting bearerToken,
            DeliveryCheck deliveryCheck) {

        void check(String key, List<String> problems) {
            SettingChecks.url(
                    problems,
                    key + ".semp-url",
                    sempUrl,
                    UrlRule.HTTPS_ADDRESS_EXCEPT_LOOPBACK,
                    "https://mr-abc.messaging.solace.cloud:943");
            checkVpn(problems, key + ".vpn", vpn);
            boolean basic = username != null && !username.isBlank();
            boolean bearer = bearerToken != null;
            if (basic == bearer) {
                problems.add(key + " needs exactly one way to authenticate: " + key + ".username with " + key
                        + ".password, or " + key + ".bearer-token");
            } else if (basic) {
                SecretSetting.check(problems, key + ".password", password);
            } else {
                SecretSetting.check(problems, key + ".bearer-token", bearerToken);
                if (password != null) {
                    problems.add(key + ".password is set without " + key + ".username");
                }
            }
            if (deliveryCheck != null) {
                deliveryCheck.check(key + ".delivery-check", problems);
            }
        }
    }

    /**
     * The JCSMP check: publish a persistent message and receive it from a probe queue.
     *
     * @param host               {@code tcps://host:55443} (plain {@code tcp://} only on loopback)
     * @param vpn                the Message VPN, by default the region's
     * @param username           the client username
     * @param password           where its password lives
     * @param queue              a durable queue for MRM alone (everything on it is consumed)
     * @param topic              the topic the queue subscribes to; empty to publish to the queue directly
     * @param connectTimeout     bound on connecting
     * @param trustStore         a trust store file for a private CA; the JDK's by default
     * @param trustStorePassword where its password lives
     */
    public record DeliveryCheck(
            String host,
            String vpn,
            String username,
            SecretSetting password,
            String queue,
            String topic,
            @DefaultValue("5s") Duration connectTimeout,
            String trustStore,
            SecretSetting trustStorePassword) {

        void check(String key, List<String> problems) {
            if (host == null || host.isBlank()) {
                problems.add(key + ".host is required, e.g. tcps://mr-abc.messaging.solace.cloud:55443");
            } else {
                try {
                    URI uri = new URI(host.trim());
                    String scheme =
                            uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("tcps") && !scheme.equals("tcp")) {
                        problems.add(key + ".host must be tcps://host:port (or tcp:// on loopback)");
                    } else if (uri.getHost() == null) {
                        problems.add(key + ".host must name a host");
                    } else if (scheme.equals("tcp") && !loopback(uri.getHost())) {
                        problems.add(key + ".host must use tcps (TLS): plain tcp would send the password in clear "
                                + "(allowed only on loopback)");
                    }
                } catch (URISyntaxException e) {
                    problems.add(key + ".host is not a valid address: " + e.getReason());
                }
            }
            if (vpn != null) {
                checkVpn(problems, key + ".vpn", vpn);
            }
            if (username == null || username.isBlank()) {
                problems.add(key + ".username is required");
            }
            SecretSetting.check(problems, key + ".password", password);
            if (queue == null || queue.isBlank()) {
                problems.add(key + ".queue is required: a durable queue for MRM alone");
            }
            SettingChecks.positive(problems, key + ".connect-timeout", connectTimeout);
            if (trustStore != null && !trustStore.isBlank() && !Files.isReadable(Path.of(trustStore.trim()))) {
                problems.add(key + ".trust-store " + trustStore + " is not a readable file");
            }
            if (trustStorePassword != null) {
                SecretSetting.check(problems, key + ".trust-store-password", trustStorePassword);
            }
        }
    }

    public AemSyncProperties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
        List<String> problems = new ArrayList<>();
        SettingChecks.positive(problems, PREFIX + ".connect-timeout", connectTimeout);
        SettingChecks.positive(problems, PREFIX + ".request-timeout", requestTimeout);
        SettingChecks.positive(problems, PREFIX + ".verify-timeout", verifyTimeout);
        SettingChecks.positive(problems, PREFIX + ".intent-lease", intentLease);
        if (pollInterval == null || pollInterval.compareTo(Duration.ofMillis(10)) < 0) {
            problems.add(PREFIX + ".poll-interval must be at least 10ms, was " + millis(pollInterval));
        }
        checkWait(problems, PREFIX + ".role-change-timeout", roleChangeTimeout);
        checkWait(problems, PREFIX + ".drain-max-wait", drainMaxWait);
        if (ackMargin == null || ackMargin.isNegative()) {
            problems.add(PREFIX + ".ack-margin must be zero or positive, was " + millis(ackMargin));
        }
        if (intentLease != null
                && requestTimeout != null
                && intentLease.compareTo(requestTimeout.multipliedBy(2)) <= 0) {
            problems.add(PREFIX + ".intent-lease (" + millis(intentLease) + ") must exceed twice " + PREFIX
                    + ".request-timeout (" + millis(requestTimeout) + ")");
        }
        applications.forEach((app, application) -> {
            String key = PREFIX + ".applications." + app;
            SettingChecks.name(problems, PREFIX + ".applications key", app);
            if (application == null || application.regions().isEmpty()) {
                problems.add(key + ".regions is required: region id -> semp-url, vpn and credentials");
                return;
            }
            application.regions().forEach((region, settings) -> {
                SettingChecks.name(problems, key + ".regions key", region);
                if (settings == null) {
                    problems.add(key + ".regions." + region + " is empty");
                } else {
                    settings.check(key + ".regions." + region, problems);
                }
            });
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid aem-sync configuration:\n - " + String.join("\n - ", problems));
        }
    }

    /** The handler's limits. */
    public ActuatorLimits limits() {
        return new ActuatorLimits(
                pollInterval,
                roleChangeTimeout,
                drainMaxWait,
                verifyTimeout,
                ackMargin,
                brokerFencing,
                intentLease,
                requestTimeout);
    }

    private static void checkVpn(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required (the Message VPN's name)");
        } else if (value.length() > 32 || !value.equals(value.strip())) {
            problems.add(
                    key + " '" + value + "' is not a Message VPN name: at most 32 characters, no surrounding spaces");
        }
    }

    private static void checkWait(List<String> problems, String key, Duration value) {
        SettingChecks.positive(problems, key, value);
        if (value != null && value.compareTo(MAX_WAIT) > 0) {
            problems.add(key + " must be at most " + MAX_WAIT.toMinutes() + "m (an application's commands wait behind "
                    + "it, and a rebalance waits for it up to mrm.kafka.commands.max-revocation-wait), was "
                    + millis(value));
        }
    }

    static boolean loopback(String host) {
        return io.mrm.kafka.config.Loopback.host(host);
    }

    private static String millis(Duration value) {
        return value == null ? "unset" : value.toMillis() + "ms";
    }
}
