package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.mrm.aem.config.AemSyncProperties;
import io.mrm.decision.config.DecisionEngineProperties;
import io.mrm.dns.config.DnsActuatorProperties;
import io.mrm.dns.config.DnsBackendChecks;
import io.mrm.dns.config.Rfc2136Properties;
import io.mrm.dns.config.Route53Properties;
import io.mrm.dns.config.TrafficManagerProperties;
import io.mrm.hana.config.DataSyncProperties;
import io.mrm.hana.config.HanaProperties;
import io.mrm.hana.config.PostgresProperties;
import io.mrm.health.config.HealthMonitorProperties;
import io.mrm.kafka.MrmKafkaAutoConfiguration;
import io.mrm.kafka.MrmKafkaProperties;
import io.mrm.kafka.config.SettingsRoot;
import io.mrm.kafka.config.UnknownSetting;
import io.mrm.kafka.config.UnknownSettings;
import io.mrm.kafka.durability.DurabilityRule;
import jakarta.validation.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.validation.annotation.Validated;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;
import org.yaml.snakeyaml.Yaml;

/**
 * Every service configuration the repository ships — the files docker-compose.yml mounts from
 * {@code deploy/compose/} and the ConfigMaps the k8s overlays generate from {@code k8s/overlays/<site>/},
 * each mounted as the service's {@code /etc/mrm/application.yml} — is bound the way the service binds
 * it at start: its own {@code <service>.yml} and the shared defaults below it, the container's
 * environment above it, through the service's own {@code @ConfigurationProperties} records with
 * Spring's {@link Binder} and Bean Validation where the record asks for it. Then the checks the
 * service runs before it starts its backend (the chosen DNS router's, the data backend's) run too.
 * So a misspelt key (bound by no record), a wrong value or a missing backend setting fails here, not
 * at a container's start. Secret files do not exist at test time: a reference must name a file the
 * deployment mounts from a secret (compose {@code secrets:}, a Kubernetes Secret volume), or a
 * variable the container has. Unknown keys are found by the services' own start-up check
 * (kafka-support's {@link UnknownSettings}), over every source a container has: its environment, the
 * mounted file, the shared defaults and the service's own file, each with the container's profiles.
 * And the stacks' Kafka durability: production (k8s) at replication 3 and min.insync 2, the
 * single-broker compose stack declared local.
 */
class ShippedConfigurationTest {

    /** The service's {@code @Configuration} whose {@code @EnableConfigurationProperties} lists its records. */
    private static final Map<String, String> CONFIGURATION = Map.of(
            "health-monitor", "io.mrm.health.config.HealthMonitorConfiguration",
            "decision-engine", "io.mrm.decision.config.DecisionEngineConfiguration",
            "dns-actuator", "io.mrm.dns.config.DnsActuatorConfiguration",
            "hana-sync", "io.mrm.hana.config.HanaSyncConfiguration",
            "aem-sync", "io.mrm.aem.config.AemSyncConfiguration",
            "hook-actuator", "io.mrm.hook.config.HookActuatorConfiguration",
            "status-board", "io.mrm.board.config.StatusBoardConfiguration");

    private static final String MOUNTED_AT = "/etc/mrm/application.yml";
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?}");
    private static final SpringValidatorAdapter VALIDATOR =
            new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator());

    @TempDir
    static Path work;

    private static List<Shipped> shipped;

    /**
     * One shipped configuration as one container sees it.
     *
     * @param where       e.g. {@code compose hana-sync (deploy/compose/hana-sync.yml)}
     * @param service     the service module
     * @param text        the mounted file's content
     * @param environment the container's environment (literal values; a Secret's keys with empty values)
     * @param secretFiles the files the container has from secrets
     */
    record Shipped(
            String where, String service, String text, Map<String, String> environment, Set<String> secretFiles) {

        Shipped withEnvironment(String suffix, Map<String, String> extra) {
            Map<String, String> env = new HashMap<>(environment);
            env.putAll(extra);
            return new Shipped(where + " " + suffix, service, text, env, secretFiles);
        }

        @Override
        public String toString() {
            return where;
        }
    }

    @BeforeAll
    static void findShippedConfigurations() {
        List<Shipped> all = new ArrayList<>();
        all.addAll(compose());
        all.addAll(kubernetes(work));
        shipped = all;
    }

    static List<Shipped> shipped() {
        if (shipped == null) {
            throw new IllegalStateException("not yet read");
        }
        List<Shipped> cases = new ArrayList<>(shipped);
        // the local stack's other DNS backend, as .env.example selects it
        shipped.stream()
                .filter(s -> s.where().startsWith("compose dns-actuator"))
                .findFirst()
                .ifPresent(s -> cases.add(s.withEnvironment(
                        "with MRM_DNS_ROUTER=ROUTE53",
                        Map.of("MRM_DNS_ROUTER", "ROUTE53", "MRM_ROUTE53_HOSTED_ZONE_ID", "Z0123456789ABCDEFGHIJ"))));
        return cases;
    }

    // ---------------------------------------------------------------------------------------------
    // the tests

    @Test
    void everyShippedServiceFileIsMountedAsAServicesConfiguration() {
        Set<String> mountedTexts = new HashSet<>();
        shipped.forEach(s -> mountedTexts.add(s.text()));
        List<Path> files = new ArrayList<>(yamlFiles(Repo.ROOT.resolve("deploy/compose")));
        for (String overlay : Manifests.OVERLAYS) {
            files.addAll(yamlFiles(Repo.ROOT.resolve("k8s/overlays").resolve(overlay)).stream()
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .toList());
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            assertThat(mountedTexts)
                    .as(Repo.ROOT.relativize(file) + " is mounted as some service's " + MOUNTED_AT
                            + " (else nothing checks it)")
                    .contains(Repo.read(file));
        }
        Set<String> services = new TreeSet<>();
        shipped.forEach(s -> services.add(s.service()));
        assertThat(services).as("services with a shipped configuration").isEqualTo(Repo.serviceModules());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void bindsThroughTheServicesOwnRecordsAndPassesItsStartUpChecks(Shipped s) {
        Bound bound = bind(s);
        assertThat(bound.unknown())
                .as(s + ": keys no configuration record of " + s.service() + " binds (misspelt, or in the wrong place)")
                .isEmpty();
        startUpChecks(s, bound);
        assertSecretReferencesAreMounted(s);
    }

    @Test
    void theEnginesRequireSignedRequestsAndTwoPeopleForEveryApplication() {
        List<Shipped> engines = shipped.stream()
                .filter(s -> s.service().equals("decision-engine"))
                .toList();
        assertThat(engines).as("shipped engine configurations").hasSize(2);
        for (Shipped s : engines) {
            DecisionEngineProperties engine = bind(s).get(DecisionEngineProperties.class);
            assertThat(engine.authority().signaturesRequired())
                    .as(s + ": request-signatures.required")
                    .isTrue();
            assertThat(engine.policies().values())
                    .as(s.where())
                    .isNotEmpty()
                    .allSatisfy(app -> assertThat(app.twoPersonRule())
                            .as(s + ": " + app.applicationId() + " two-person-rule")
                            .isTrue());
        }
    }

    @Test
    void theActuatorsOfEveryShippedStackHaveARealBackend() {
        for (Shipped s : shipped) {
            Bound bound = bind(s);
            switch (s.service()) {
                case "dns-actuator" ->
                    assertThat(bound.get(DnsActuatorProperties.class).router())
                            .as(s.where())
                            .isNotEqualTo(DnsActuatorProperties.Router.IN_MEMORY);
                case "hana-sync" ->
                    assertThat(bound.get(DataSyncProperties.class).backend())
                            .as(s.where())
                            .isIn(DataSyncProperties.Backend.POSTGRES_DEBEZIUM, DataSyncProperties.Backend.HANA);
                case "aem-sync" ->
                    assertThat(bound.get(AemSyncProperties.class).applications())
                            .as(s.where())
                            .isNotEmpty();
                default -> {}
            }
        }
    }

    /** Each service's own file and the shared defaults, with and without the profile local, and nothing mounted. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesAndProfiles")
    void eachServicesOwnFileAndTheSharedDefaultsHoldNoUnknownKey(String service, String profile) {
        Map<String, String> environment = profile.isEmpty() ? Map.of() : Map.of("SPRING_PROFILES_ACTIVE", profile);
        List<SettingsRoot> roots =
                recordsOf(service).stream().map(SettingsRoot::of).toList();
        assertThat(UnknownSettings.find(sources(service, null, environment), roots))
                .as(service + ".yml, mrm-defaults.yml")
                .isEmpty();
    }

    static Stream<Arguments> servicesAndProfiles() {
        return Repo.serviceModules().stream()
                .flatMap(service ->
                        Stream.of("", DurabilityRule.LOCAL_PROFILE).map(profile -> Arguments.of(service, profile)));
    }

    /**
     * Kubernetes is production: replication 3 and min.insync 2, never the profile local. The compose
     * stack has one broker: it declares itself local, which gives replication 1 and allows it.
     */
    @Test
    void theProductionStacksAreDurableAndTheSingleBrokerComposeStackIsLocal() {
        assertThat(composeKafkaBrokers())
                .as("Kafka brokers in docker-compose.yml")
                .isEqualTo(1);
        for (Shipped s : shipped) {
            MrmKafkaProperties kafka = bind(s).get(MrmKafkaProperties.class);
            Set<String> profiles = activeProfiles(s.environment());
            if (s.where().startsWith("compose")) {
                assertThat(profiles).as(s + ": SPRING_PROFILES_ACTIVE").contains(DurabilityRule.LOCAL_PROFILE);
                assertThat(kafka.replicationFactor())
                        .as(s + ": replication on one broker")
                        .isEqualTo((short) 1);
            } else {
                assertThat(profiles).as(s + ": SPRING_PROFILES_ACTIVE").doesNotContain(DurabilityRule.LOCAL_PROFILE);
                assertThat(kafka.allowWeakDurability())
                        .as(s + ": allow-weak-durability")
                        .isFalse();
                assertThat((int) kafka.replicationFactor())
                        .as(s + ": replication factor")
                        .isGreaterThanOrEqualTo(DurabilityRule.MIN_REPLICATION_FACTOR);
                assertThat(kafka.minInsyncReplicas())
                        .as(s + ": min.insync.replicas")
                        .isGreaterThanOrEqualTo(DurabilityRule.MIN_INSYNC_REPLICAS);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static long composeKafkaBrokers() {
        Map<String, Object> compose = new Yaml().load(Repo.read(Repo.ROOT.resolve("docker-compose.yml")));
        return ((Map<String, Map<String, Object>>) compose.get("services"))
                .values().stream()
                        .filter(service -> String.valueOf(service.get("image")).startsWith("apache/kafka"))
                        .count();
    }

    /** The check itself: a typo, a wrong value and a dangling secret each fail it. */
    @Test
    void aMisspeltKeyAnInvalidValueOrAnUnmountedSecretIsCaught() {
        Shipped hana = shipped.stream()
                .filter(s -> s.where().startsWith("compose hana-sync"))
                .findFirst()
                .orElseThrow();
        Shipped typo = new Shipped(
                "typo",
                hana.service(),
                hana.text().replace("app-role:", "app-rol:"),
                hana.environment(),
                hana.secretFiles());
        assertThat(bind(typo).unknown())
                .anyMatch(u -> u.key().endsWith(".app-rol")
                        && u.suggestion().endsWith(".app-role")
                        && u.origin().contains("mounted"));

        Shipped envTypo = hana.withEnvironment("with a misspelt variable", Map.of("MRM_KAFKA_PARTITONS", "3"));
        assertThat(bind(envTypo).unknown()).singleElement().satisfies(u -> {
            assertThat(u.key()).isEqualTo("MRM_KAFKA_PARTITONS");
            assertThat(u.suggestion()).isEqualTo("MRM_KAFKA_PARTITIONS");
        });

        Shipped badTable = new Shipped(
                "bad table",
                hana.service(),
                hana.text().replace("tables: [public.orders]", "tables: [\"public.orders; drop\"]"),
                hana.environment(),
                hana.secretFiles());
        assertThatThrownBy(() -> startUpChecks(badTable, bind(badTable))).hasMessageContaining(".tables[0]");

        Shipped badBackend = new Shipped(
                "bad backend",
                hana.service(),
                hana.text().replace("POSTGRES_DEBEZIUM", "POSTGRES"),
                hana.environment(),
                hana.secretFiles());
        assertThatThrownBy(() -> bind(badBackend)).hasStackTraceContaining("mrm.data.backend");

        Shipped unmounted = new Shipped("unmounted", hana.service(), hana.text(), hana.environment(), Set.of());
        assertThatThrownBy(() -> assertSecretReferencesAreMounted(unmounted))
                .hasMessageContaining("/run/secrets/postgres_password");

        Shipped engine = shipped.stream()
                .filter(s -> s.where().startsWith("compose decision-engine"))
                .findFirst()
                .orElseThrow();
        Shipped quorumZero = new Shipped(
                "quorum 0",
                engine.service(),
                engine.text().replace("quorum: 2", "quorum: 0"),
                engine.environment(),
                engine.secretFiles());
        assertThatThrownBy(() -> startUpChecks(quorumZero, bind(quorumZero))).hasStackTraceContaining("quorum");
    }

    // ---------------------------------------------------------------------------------------------
    // binding

    /** What one shipped file bound to, and the keys (in any of the container's sources) no record takes. */
    record Bound(Map<Class<?>, Object> records, List<UnknownSetting> unknown) {

        <T> T get(Class<T> type) {
            return type.cast(records.get(type));
        }
    }

    static Bound bind(Shipped s) {
        MutablePropertySources sources = sources(s.service(), s.text(), s.environment());
        Binder binder = new Binder(
                ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
        Map<Class<?>, Object> records = new LinkedHashMap<>();
        for (Class<?> type : recordsOf(s.service())) {
            BindHandler handler = type.isAnnotationPresent(Validated.class)
                    ? new ValidationBindHandler(VALIDATOR)
                    : BindHandler.DEFAULT;
            records.put(type, binder.bindOrCreate(SettingsRoot.of(type).prefix(), Bindable.of(type), handler));
        }
        List<SettingsRoot> roots =
                recordsOf(s.service()).stream().map(SettingsRoot::of).toList();
        return new Bound(records, UnknownSettings.find(sources, roots));
    }

    /**
     * The sources a container's service reads, in the precedence it sees: environment, the mounted
     * application.yml (if any), the imported defaults, the service's own {@code <service>.yml}.
     */
    static MutablePropertySources sources(String service, String mounted, Map<String, String> environment) {
        Set<String> profiles = activeProfiles(environment);
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(environment)));
        if (mounted != null) {
            addDocuments(sources, "mounted " + MOUNTED_AT, mounted, profiles);
        }
        addDocuments(sources, "mrm-defaults.yml", classpath("mrm-defaults.yml"), profiles);
        addDocuments(sources, service + ".yml", classpath(service + ".yml"), profiles);
        return sources;
    }

    /** A file's documents as Spring reads them: a later one wins, a profile's only when the profile is active. */
    private static void addDocuments(MutablePropertySources sources, String name, String text, Set<String> profiles) {
        List<PropertySource<?>> documents = new ArrayList<>(yaml(name, text));
        Collections.reverse(documents);
        for (PropertySource<?> document : documents) {
            Object profile = document.getProperty("spring.config.activate.on-profile");
            if (profile == null || profiles.contains(String.valueOf(profile))) {
                sources.addLast(document);
            }
        }
    }

    static Set<String> activeProfiles(Map<String, String> environment) {
        String active = environment.getOrDefault("SPRING_PROFILES_ACTIVE", "");
        Set<String> profiles = new TreeSet<>();
        Arrays.stream(active.split(","))
                .map(String::trim)
                .filter(p -> !p.isEmpty())
                .forEach(profiles::add);
        return profiles;
    }

    /** The records the service registers, and the Kafka and service records every service shares. */
    static List<Class<?>> recordsOf(String service) {
        List<Class<?>> types = new ArrayList<>();
        try {
            Class<?> configuration = Class.forName(CONFIGURATION.get(service));
            types.addAll(List.of(configuration
                    .getAnnotation(EnableConfigurationProperties.class)
                    .value()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(service + ": " + e.getMessage(), e);
        }
        types.addAll(List.of(MrmKafkaAutoConfiguration.class
                .getAnnotation(EnableConfigurationProperties.class)
                .value()));
        assertThat(types).as(service + " records").isNotEmpty();
        return types;
    }

    /** What the service checks before it starts its backend (the records check the rest when bound). */
    static void startUpChecks(Shipped s, Bound bound) {
        switch (s.service()) {
            case "decision-engine" -> {
                DecisionEngineProperties engine = bound.get(DecisionEngineProperties.class);
                assertThat(engine.policies()).as(s.where()).isNotEmpty();
                engine.authority();
            }
            case "dns-actuator" -> {
                switch (bound.get(DnsActuatorProperties.class).router()) {
                    case RFC2136 -> bound.get(Rfc2136Properties.class).routerSettings();
                    case ROUTE53 -> DnsBackendChecks.route53(bound.get(Route53Properties.class));
                    case TRAFFIC_MANAGER -> DnsBackendChecks.trafficManager(bound.get(TrafficManagerProperties.class));
                    case IN_MEMORY -> {}
                }
            }
            case "hana-sync" -> {
                switch (bound.get(DataSyncProperties.class).backend()) {
                    case POSTGRES_DEBEZIUM ->
                        assertThat(bound.get(PostgresProperties.class).applicationSettings())
                                .as(s.where())
                                .isNotEmpty();
                    case HANA -> bound.get(HanaProperties.class).replication();
                    case NONE, IN_MEMORY -> {}
                }
            }
            case "health-monitor" ->
                assertThat(bound.get(HealthMonitorProperties.class).targets())
                        .as(s.where())
                        .isNotEmpty();
            // their properties records check everything when bound
            case "aem-sync", "hook-actuator", "status-board" -> {}
            default -> throw new IllegalStateException("no start-up checks known for " + s.service());
        }
    }

    /**
     * Every {@code {file: ..}} reference names a file the container has from a secret, every
     * {@code {env: ..}} one a variable it has.
     */
    static void assertSecretReferencesAreMounted(Shipped s) {
        for (PropertySource<?> source : yaml("mounted " + s.where(), s.text())) {
            for (String key : ((org.springframework.core.env.EnumerablePropertySource<?>) source).getPropertyNames()) {
                String value = String.valueOf(source.getProperty(key));
                if (key.endsWith(".file")) {
                    assertThat(Path.of(value).isAbsolute())
                            .as(s + ": " + key + " " + value + " is absolute")
                            .isTrue();
                    assertThat(s.secretFiles())
                            .as(s + ": " + key + " " + value + " is a file the container has from a secret")
                            .contains(value);
                } else if (key.endsWith(".env")) {
                    assertThat(s.environment())
                            .as(s + ": " + key + " names a variable the container has")
                            .containsKey(value);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // where the shipped files are mounted

    @SuppressWarnings("unchecked")
    static List<Shipped> compose() {
        Map<String, Object> compose = new Yaml().load(Repo.read(Repo.ROOT.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        List<Shipped> out = new ArrayList<>();
        new TreeMap<>(services).forEach((name, service) -> {
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            if (build == null) {
                return;
            }
            String module = String.valueOf(((Map<String, Object>) build.get("args")).get("SERVICE"));
            for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
                String[] parts = String.valueOf(volume).split(":");
                if (parts.length >= 2 && parts[1].equals(MOUNTED_AT)) {
                    Map<String, String> env = new HashMap<>();
                    ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
                            .forEach((k, v) -> env.put(k, interpolate(String.valueOf(v))));
                    assertThat(env.get("SPRING_CONFIG_ADDITIONAL_LOCATION"))
                            .as("compose " + name + " reads /etc/mrm/")
                            .isEqualTo("/etc/mrm/");
                    Set<String> secrets = new TreeSet<>();
                    for (Object secret : (List<Object>) service.getOrDefault("secrets", List.of())) {
                        secrets.add("/run/secrets/" + secret);
                    }
                    String file = parts[0];
                    out.add(new Shipped(
                            "compose " + name + " (" + file.substring(2) + ")",
                            module,
                            Repo.read(Repo.ROOT.resolve(file)),
                            env,
                            secrets));
                }
            }
        });
        return out;
    }

    /** Compose's own interpolation: {@code ${X:-default}} and {@code ${X}} with nothing set (no .env). */
    static String interpolate(String value) {
        Matcher m = COMPOSE_VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(3) == null ? "" : m.group(3)));
        }
        return m.appendTail(out).toString();
    }

    /** Every configuration the overlays mount, as rendered from the copy of k8s/ in {@code work}. */
    static List<Shipped> kubernetes(Path work) {
        List<Shipped> out = new ArrayList<>();
        for (String overlay : Manifests.OVERLAYS) {
            Manifests m = Manifests.render(overlay, work);
            for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
                Map<String, Volume> volumes = new HashMap<>();
                w.template().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
                for (Container c : w.template().getSpec().getContainers()) {
                    String config = null;
                    Set<String> secretFiles = new TreeSet<>();
                    for (VolumeMount mount : c.getVolumeMounts()) {
                        Volume v = volumes.get(mount.getName());
                        if (v == null) {
                            continue; // a StatefulSet's volume claim
                        }
                        if (v.getConfigMap() != null
                                && (mount.getMountPath() + "/application.yml").equals(MOUNTED_AT)) {
                            config = m.named(ConfigMap.class, v.getConfigMap().getName())
                                    .getData()
                                    .get("application.yml");
                        }
                        if (v.getSecret() != null) {
                            Secret secret = m.named(Secret.class, v.getSecret().getSecretName());
                            List<KeyToPath> items = v.getSecret().getItems();
                            if (items == null || items.isEmpty()) {
                                secret.getData().keySet().forEach(k -> secretFiles.add(mount.getMountPath() + "/" + k));
                            } else {
                                items.forEach(i -> secretFiles.add(mount.getMountPath() + "/" + i.getPath()));
                            }
                        }
                    }
                    if (config == null) {
                        continue;
                    }
                    Map<String, String> env = new HashMap<>();
                    for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
                        if (from.getConfigMapRef() != null) {
                            env.putAll(m.named(
                                            ConfigMap.class,
                                            from.getConfigMapRef().getName())
                                    .getData());
                        } else if (from.getSecretRef() != null) {
                            m.named(Secret.class, from.getSecretRef().getName())
                                    .getData()
                                    .keySet()
                                    .forEach(k -> env.put(k, ""));
                        }
                    }
                    for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                        env.put(e.getName(), e.getValue() != null ? e.getValue() : w.name() + "-0");
                    }
                    assertThat(env.get("SPRING_CONFIG_ADDITIONAL_LOCATION"))
                            .as(overlay + " " + w.name() + " reads /etc/mrm/")
                            .isEqualTo("/etc/mrm/");
                    out.add(new Shipped("k8s " + overlay + " " + w.name(), c.getName(), config, env, secretFiles));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------

    static List<PropertySource<?>> yaml(String name, String text) {
        try {
            return new YamlPropertySourceLoader()
                    .load(name, new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8), name));
        } catch (IOException e) {
            throw new UncheckedIOException(name + " is not valid YAML", e);
        }
    }

    static String classpath(String resource) {
        try {
            return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("no " + resource + " on the test class path", e);
        }
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
