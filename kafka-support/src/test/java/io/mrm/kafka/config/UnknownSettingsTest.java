package io.mrm.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.kafka.SecretSetting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/** The mechanism alone, on hand-made property sources and two settings records of its own. */
class UnknownSettingsTest {

    /**
     * Every shape a setting takes.
     *
     * @param byName a map of objects: its keys are free, the fields of its values are not
     * @param labels a map of strings: keys of any depth
     */
    @ConfigurationProperties("mrm.test")
    record TestSettings(
            @DefaultValue("3") int threshold,
            Nested nested,
            List<Item> items,
            Map<String, Item> byName,
            Map<String, String> labels,
            List<String> tags,
            SecretSetting secret) {}

    record Nested(Duration timeout, String name) {}

    record Item(String id, @DefaultValue("3") int failureThreshold) {}

    @ConfigurationProperties("mrm.other")
    record OtherSettings(String name) {}

    static final List<SettingsRoot> ROOTS =
            List.of(SettingsRoot.of(TestSettings.class), SettingsRoot.of(OtherSettings.class));

    @Test
    void everyKindOfKnownKeyPasses() {
        List<UnknownSetting> unknown = find(sources(args(Map.of(
                "mrm.test.threshold", "4",
                "mrm.test.nested.timeout", "1s",
                "mrm.test.items[0].id", "orders",
                "mrm.test.items[0].failureThreshold", "5", // relaxed: camel case
                "mrm.test.by-name.orders.id", "orders", // a map's keys are free
                "mrm.test.byName[eu10.example].failure-threshold", "2",
                "mrm.test.labels.team.name", "payments", // string map: keys of any depth
                "mrm.test.tags[0]", "a",
                "mrm.test.secret.env", "SOME_VARIABLE",
                "mrm.other.name", "x"))));

        assertThat(unknown).isEmpty();
    }

    @Test
    void aTypoInANestedObjectIsNamedWithTheNearestKey() {
        assertThat(find(sources(args(Map.of("mrm.test.nested.timeot", "1s")))))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.key()).isEqualTo("mrm.test.nested.timeot");
                    assertThat(u.suggestion()).isEqualTo("mrm.test.nested.timeout");
                    assertThat(u.origin()).isEqualTo("command line");
                    assertThat(u)
                            .hasToString("mrm.test.nested.timeot is not a setting; did you mean "
                                    + "mrm.test.nested.timeout? (command line)");
                });
    }

    @Test
    void aTypoInAListElementIsNamedWithItsIndex() {
        assertThat(find(sources(args(Map.of(
                        "mrm.test.items[0].id",
                        "orders",
                        "mrm.test.items[1].id",
                        "billing",
                        "mrm.test.items[1].failure-treshold",
                        "20")))))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.key()).isEqualTo("mrm.test.items[1].failure-treshold");
                    assertThat(u.suggestion()).isEqualTo("mrm.test.items[1].failure-threshold");
                });
    }

    @Test
    void theElementsOfAListOverriddenByAHigherSourceAreNotMisspelt() {
        MutablePropertySources sources = sources(
                args(Map.of("mrm.test.items[0].id", "orders")),
                new MapPropertySource(
                        "application.yml",
                        Map.of(
                                "mrm.test.items[0].id",
                                "billing",
                                "mrm.test.items[1].id",
                                "audit",
                                "mrm.test.items[1].failure-treshold",
                                "2")));

        assertThat(find(sources)).singleElement().satisfies(u -> {
            assertThat(u.key()).isEqualTo("mrm.test.items[1].failure-treshold");
            assertThat(u.suggestion()).isEqualTo("mrm.test.items[1].failure-threshold");
        });
    }

    @Test
    void aMapsKeysAreFreeButTheFieldsOfItsValuesAreNot() {
        assertThat(find(sources(args(Map.of(
                        "mrm.test.by-name.orders.id", "orders", "mrm.test.by-name.orders.failure-treshold", "2")))))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.key()).isEqualTo("mrm.test.by-name.orders.failure-treshold");
                    assertThat(u.suggestion()).isEqualTo("mrm.test.by-name.orders.failure-threshold");
                });
    }

    @Test
    void aTypoOfThePrefixIsNamedWithTheNearestRoot() {
        assertThat(find(sources(args(Map.of("mrm.tset.nested.name", "x", "mrm.othr.name", "y")))))
                .extracting(UnknownSetting::key, UnknownSetting::suggestion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mrm.othr.name", "mrm.other.name"),
                        org.assertj.core.groups.Tuple.tuple("mrm.tset.nested.name", "mrm.test.nested.name"));
    }

    @Test
    void aKeyBelowASettingThatTakesNoNestedKeysIsNamedWithThatSetting() {
        assertThat(find(sources(args(Map.of("mrm.test.threshold.value", "3")))))
                .singleElement()
                .satisfies(u -> assertThat(u.suggestion()).isEqualTo("mrm.test.threshold"));
    }

    @Test
    void aBadValueDoesNotHideATypoAfterIt() {
        assertThat(find(sources(args(Map.of(
                        "mrm.test.threshold",
                        "many",
                        "mrm.test.nested.timeout",
                        "soon",
                        "mrm.test.nested.nmae",
                        "x")))))
                .extracting(UnknownSetting::key)
                .containsExactly("mrm.test.nested.nmae");
    }

    @Test
    void keysOutsideMrmAreNotChecked() {
        assertThat(find(sources(args(Map.of("spring.kafka.bootstrap-servers", "x", "server.prot", "1")))))
                .isEmpty();
    }

    @Test
    void aKeyInAConfigurationFileIsNamedWithItsFileAndLine() throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        new YamlPropertySourceLoader()
                .load("application.yml", new ByteArrayResource("""
                mrm:
                  test:
                    items:
                      - id: orders
                        failure-treshold: 20
                """.getBytes(StandardCharsets.UTF_8), "application.yml"))
                .forEach(sources::addLast);

        assertThat(find(sources)).singleElement().satisfies(u -> {
            assertThat(u.key()).isEqualTo("mrm.test.items[0].failure-treshold");
            assertThat(u.suggestion()).isEqualTo("mrm.test.items[0].failure-threshold");
            assertThat(u.origin()).contains("application.yml").contains("5:");
        });
    }

    @Test
    void environmentVariablesAreCheckedOnlyWhereSpringWouldBindThem() {
        MutablePropertySources sources = sources(args(Map.of(
                "mrm.test.nested.name", "${MRM_TEST_NAME:default}",
                "mrm.test.secret.env", "MRM_TEST_PASSWORD")));
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("MRM_TEST_THRESHOLD", "4"); // bound
        environment.put("MRM_TEST_ITEMS_0_FAILURE_THRESHOLD", "4"); // bound, in the underscore form
        environment.put("MRM_TEST_ITEMS_0_FAILURETHRESHOLD", "4"); // bound, in Spring's own form
        environment.put("MRM_HTTP_PORT", "8081"); // outside every root: a placeholder's input
        environment.put("MRM_TEST_NAME", "n"); // inside a root, but named by a placeholder
        environment.put("MRM_TEST_PASSWORD", "secret"); // inside a root, but named by a secret setting
        environment.put("MRM_TEST_THRESHOLDD", "4"); // a typo
        sources.addLast(new SystemEnvironmentPropertySource("systemEnvironment", environment));

        assertThat(find(sources)).singleElement().satisfies(u -> {
            assertThat(u.key()).isEqualTo("MRM_TEST_THRESHOLDD");
            assertThat(u.suggestion()).isEqualTo("MRM_TEST_THRESHOLD");
            assertThat(u.origin()).isEqualTo("environment variable");
        });
    }

    @Test
    void theTracingSettingsOperatorsSetAreNotRefused() {
        MutablePropertySources sources = sources(args(Map.of(
                "management.tracing.sampling.probability", "0.1",
                "management.opentelemetry.tracing.export.otlp.endpoint", "http://collector:4318/v1/traces",
                "management.opentelemetry.tracing.export.otlp.headers.api-key", "k")));
        sources.addLast(new SystemEnvironmentPropertySource(
                "systemEnvironment",
                Map.of(
                        "MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1.0",
                        "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", "http://collector:4318/v1/traces",
                        "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_TRANSPORT", "grpc",
                        "OTEL_SERVICE_NAME", "engine",
                        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod")));

        assertThat(find(sources)).isEmpty();
    }

    @Test
    void aMisspeltVariableInsideARootIsNamedWithTheNearestVariable() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new SystemEnvironmentPropertySource(
                "systemEnvironment",
                Map.of("MRM_TEST_ITEMS_0_FAILURE_TRESHOLD", "4", "MRM_TEST_ITEMS_0_ID", "orders")));

        assertThat(find(sources))
                .singleElement()
                .satisfies(u -> assertThat(u.suggestion()).isEqualTo("MRM_TEST_ITEMS_0_FAILURE_THRESHOLD"));
    }

    private static List<UnknownSetting> find(MutablePropertySources sources) {
        return UnknownSettings.find(sources, ROOTS);
    }

    private static MapPropertySource args(Map<String, Object> values) {
        return new MapPropertySource("commandLineArgs", values);
    }

    private static MutablePropertySources sources(MapPropertySource... sources) {
        MutablePropertySources all = new MutablePropertySources();
        for (MapPropertySource source : sources) {
            all.addLast(source);
        }
        return all;
    }
}
