package io.mrm.hook.config;

import io.mrm.kafka.SecretSetting;
import io.mrm.kafka.config.Loopback;
import io.mrm.kafka.config.SettingChecks;
import io.mrm.kafka.config.SettingChecks.UrlRule;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * hook-actuator settings (prefix {@code mrm.hook}). Checked when bound: every problem is reported at once, each
 * naming its full key, e.g. {@code mrm.hook.http.notify-ops.url must be https}. A hook's name is what a plan's
 * hook step names as its kind; HTTP and Cloud Integration hooks share one name space.
 *
 * @param connectTimeout     bound on connecting to a hook or a tenant
 * @param requestTimeout     bound on one Cloud Integration request (the step's deadline bounds it further)
 * @param pollInterval       pause between two reads of a deploying Cloud Integration artifact; at least 100ms
 * @param rememberedCommands how many command ids are remembered to answer a repeated command without acting
 * @param ackMargin          kept free before a command's deadline to publish its ack: a hook gets the time until
 *                           the deadline less this
 * @param http               hook name → an HTTP hook
 * @param cloudIntegration   hook name → a SAP Cloud Integration switch
 */
@ConfigurationProperties("mrm.hook")
public record HookProperties(
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("10000") int rememberedCommands,
        @DefaultValue("2s") Duration ackMargin,
        Map<String, Http> http,
        Map<String, CloudIntegration> cloudIntegration) {

    static final String PREFIX = "mrm.hook";

    /**
     * An HTTP hook.
     *
     * @param url       where the step is POSTed; https (plain http only on loopback)
     * @param preflight a pre-flight hook: its VETO stops the switch (from other hooks a VETO is a fatal failure)
     * @param secret    the shared secret the request is signed with (HMAC-SHA256); required unless
     *                  {@code tls.key-store} authenticates MRM by a client certificate
     * @param tls       mutual TLS and/or a private CA
     * @param applications application id → its two regions: the applications whose readiness reports include
     *                  this hook (a read-only connection and TLS handshake); a hook that names none is run for any
     *                  application's step but not checked
     */
    public record Http(
            String url,
            @DefaultValue("false") boolean preflight,
            SecretSetting secret,
            Tls tls,
            Map<String, List<String>> applications) {

        public Http {
            applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
        }

        void check(String key, List<String> problems) {
            applications.forEach((app, regions) -> {
                SettingChecks.name(problems, key + ".applications key", app);
                String appKey = key + ".applications." + app;
                if (regions == null || regions.size() != 2) {
                    problems.add(appKey + " must list the application's two regions, e.g. [eu10, us10]");
                } else {
                    regions.forEach(region -> SettingChecks.name(problems, appKey + " region", region));
                    if (regions.get(0) != null && regions.get(0).equals(regions.get(1))) {
                        problems.add(appKey + " names region '" + regions.get(0) + "' twice");
                    }
                }
            });
            SettingChecks.url(problems, key + ".url", url, UrlRule.HTTP_OR_HTTPS, "https://ops.example.com/mrm-hook");
            httpsUnlessLoopback(problems, key + ".url", url);
            boolean clientCertificate = tls != null && tls.keyStore() != null;
            if (secret != null) {
                SecretSetting.check(problems, key + ".secret", secret);
            } else if (!clientCertificate) {
                problems.add(key + " needs a way to authenticate MRM to the hook: " + key + ".secret (signed "
                        + "requests) or " + key + ".tls.key-store (mutual TLS), or both");
            }
            if (tls != null) {
                tls.check(key + ".tls", problems);
            }
        }
    }

    /**
     * TLS files of an HTTP hook (PKCS12 or JKS).
     *
     * @param keyStore           MRM's client key and certificate, for mutual TLS
     * @param keyStorePassword   its password
     * @param trustStore         the CAs trusted for the hook's server; the JDK's by default
     * @param trustStorePassword its password
     */
    public record Tls(
            String keyStore, SecretSetting keyStorePassword, String trustStore, SecretSetting trustStorePassword) {

        void check(String key, List<String> problems) {
            store(problems, key + ".key-store", keyStore, keyStorePassword);
            store(problems, key + ".trust-store", trustStore, trustStorePassword);
        }

        private static void store(List<String> problems, String key, String file, SecretSetting password) {
            if (file == null) {
                if (password != null) {
                    problems.add(key + "-password is set without " + key);
                }
                return;
            }
            if (!Files.isReadable(Path.of(file.trim()))) {
                problems.add(key + " " + file + " is not a readable file");
            }
            SecretSetting.check(problems, key + "-password", password);
        }
    }

    /**
     * A SAP Cloud Integration switch.
     *
     * @param applications application id → its tenants and artifacts
     */
    public record CloudIntegration(Map<String, CloudIntegrationApplication> applications) {
        public CloudIntegration {
            applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
        }
    }

    /**
     * @param artifacts the integration artifacts to switch, in order
     * @param regions   region id → the tenant there
     */
    public record CloudIntegrationApplication(List<Artifact> artifacts, Map<String, Tenant> regions) {
        public CloudIntegrationApplication {
            artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
            regions = regions == null ? Map.of() : new LinkedHashMap<>(regions);
        }
    }

    /**
     * @param id      the integration artifact's id
     * @param version the design-time version to deploy; {@code active} (the default) is the newest
     */
    public record Artifact(
            String id, @DefaultValue("active") String version) {}

    /**
     * One region's Cloud Integration tenant, from a service key of a Process Integration Runtime instance
     * (plan {@code api}).
     *
     * @param apiUrl       the tenant's API address (the service key's {@code url}), scheme, host and port only
     * @param tokenUrl     the OAuth token URL (the service key's {@code tokenurl})
     * @param clientId     the OAuth client id ({@code clientid})
     * @param clientSecret where the client secret ({@code clientsecret}) lives
     */
    public record Tenant(String apiUrl, String tokenUrl, String clientId, SecretSetting clientSecret) {

        void check(String key, List<String> problems) {
            SettingChecks.url(
                    problems,
                    key + ".api-url",
                    apiUrl,
                    UrlRule.HTTPS_ADDRESS_EXCEPT_LOOPBACK,
                    "https://mytenant.it-cpi018.cfapps.eu10-003.hana.ondemand.com");
            SettingChecks.url(
                    problems,
                    key + ".token-url",
                    tokenUrl,
                    UrlRule.HTTP_OR_HTTPS,
                    "https://mytenant.authentication.eu10.hana.ondemand.com/oauth/token");
            httpsUnlessLoopback(problems, key + ".token-url", tokenUrl);
            SettingChecks.required(problems, key + ".client-id", clientId);
            SecretSetting.check(problems, key + ".client-secret", clientSecret);
        }
    }

    public HookProperties {
        http = http == null ? Map.of() : new LinkedHashMap<>(http);
        cloudIntegration = cloudIntegration == null ? Map.of() : new LinkedHashMap<>(cloudIntegration);
        List<String> problems = new ArrayList<>();
        SettingChecks.positive(problems, PREFIX + ".connect-timeout", connectTimeout);
        SettingChecks.positive(problems, PREFIX + ".request-timeout", requestTimeout);
        if (pollInterval == null || pollInterval.compareTo(Duration.ofMillis(100)) < 0) {
            problems.add(PREFIX + ".poll-interval must be at least 100ms");
        }
        if (rememberedCommands < 1) {
            problems.add(PREFIX + ".remembered-commands must be at least 1, was " + rememberedCommands);
        }
        if (ackMargin == null || ackMargin.isNegative()) {
            problems.add(PREFIX + ".ack-margin must be zero or positive, was " + ackMargin);
        }
        http.forEach((name, hook) -> {
            String key = PREFIX + ".http." + name;
            SettingChecks.name(problems, PREFIX + ".http key", name);
            if (hook == null) {
                problems.add(key + " is empty");
            } else {
                hook.check(key, problems);
            }
        });
        Set<String> both = new HashSet<>(http.keySet());
        both.retainAll(cloudIntegration.keySet());
        both.forEach(name -> problems.add("hook name '" + name + "' is used by both " + PREFIX + ".http and " + PREFIX
                + ".cloud-integration: a step's kind must name one hook"));
        cloudIntegration.forEach((name, hook) -> {
            String key = PREFIX + ".cloud-integration." + name;
            SettingChecks.name(problems, PREFIX + ".cloud-integration key", name);
            if (hook == null || hook.applications().isEmpty()) {
                problems.add(key + ".applications is required: application id -> artifacts and regions");
                return;
            }
            hook.applications().forEach((app, settings) -> {
                String appKey = key + ".applications." + app;
                SettingChecks.name(problems, key + ".applications key", app);
                if (settings.artifacts().isEmpty()) {
                    problems.add(appKey + ".artifacts is required: at least one integration artifact id");
                }
                for (int i = 0; i < settings.artifacts().size(); i++) {
                    Artifact artifact = settings.artifacts().get(i);
                    if (artifact == null
                            || artifact.id() == null
                            || artifact.id().isBlank()) {
                        problems.add(appKey + ".artifacts[" + i + "].id is required");
                    } else if (artifact.version() == null || artifact.version().isBlank()) {
                        problems.add(appKey + ".artifacts[" + i + "].version must not be empty (default: active)");
                    }
                }
                if (settings.regions().size() < 2) {
                    problems.add(appKey + ".regions needs a tenant in each of the application's two regions");
                }
                settings.regions().forEach((region, tenant) -> {
                    SettingChecks.name(problems, appKey + ".regions key", region);
                    if (tenant == null) {
                        problems.add(appKey + ".regions." + region + " is empty");
                    } else {
                        tenant.check(appKey + ".regions." + region, problems);
                    }
                });
            });
        });
        if (problems.isEmpty()) {
            sameRegionsEverywhere(http, cloudIntegration, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid hook-actuator configuration:\n - " + String.join("\n - ", problems));
        }
    }

    /**
     * Hook name → application id → its two regions: what the readiness checks cover. A Cloud Integration hook
     * serves the applications it has tenants for, in their regions; an HTTP hook those it lists.
     */
    public Map<String, Map<String, List<String>>> served() {
        return served(http, cloudIntegration);
    }

    private static Map<String, Map<String, List<String>>> served(
            Map<String, Http> http, Map<String, CloudIntegration> cloudIntegration) {
        Map<String, Map<String, List<String>>> served = new LinkedHashMap<>();
        http.forEach((name, hook) -> {
            if (!hook.applications().isEmpty()) {
                Map<String, List<String>> apps = new LinkedHashMap<>();
                hook.applications().forEach((app, regions) -> apps.put(app, List.copyOf(regions)));
                served.put(name, apps);
            }
        });
        cloudIntegration.forEach((name, hook) -> {
            Map<String, List<String>> apps = new LinkedHashMap<>();
            hook.applications()
                    .forEach((app, settings) ->
                            apps.put(app, List.copyOf(settings.regions().keySet())));
            served.put(name, apps);
        });
        return served;
    }

    /** An application has one pair of regions: every hook that serves it must name the same two. */
    private static void sameRegionsEverywhere(
            Map<String, Http> http, Map<String, CloudIntegration> cloudIntegration, List<String> problems) {
        Map<String, Set<String>> regionsOf = new LinkedHashMap<>();
        Map<String, String> firstHook = new LinkedHashMap<>();
        served(http, cloudIntegration)
                .forEach((name, apps) -> apps.forEach((app, regions) -> {
                    Set<String> these = new java.util.TreeSet<>(regions);
                    Set<String> earlier = regionsOf.putIfAbsent(app, these);
                    if (earlier == null) {
                        firstHook.put(app, name);
                    } else if (!earlier.equals(these)) {
                        problems.add("application '" + app + "' has regions " + earlier + " under hook '"
                                + firstHook.get(app) + "' but " + these + " under hook '" + name
                                + "': an application has one pair of regions");
                    }
                }));
    }

    private static void httpsUnlessLoopback(List<String> problems, String key, String url) {
        try {
            URI uri = url == null ? null : new URI(url.trim());
            if (uri != null
                    && "http".equalsIgnoreCase(uri.getScheme())
                    && uri.getHost() != null
                    && !Loopback.host(uri.getHost())) {
                problems.add(key + " must be https: plain http would expose the step and credentials on the way "
                        + "(allowed only on loopback, for the sandbox and tests)");
            }
        } catch (java.net.URISyntaxException e) {
            // reported by SettingChecks.url
        }
    }
}
