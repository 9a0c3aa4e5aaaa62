package io.mrm.hook.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.kafka.config.SettingsRoot;
import io.mrm.kafka.config.UnknownSetting;
import io.mrm.kafka.config.UnknownSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/** The settings as a user writes them (kebab-case keys), bound by Spring Boot's binder. */
class HookPropertiesTest {

    @TempDir
    Path dir;

    static HookProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("mrm.hook", HookProperties.class);
    }

    Map<String, String> valid() throws Exception {
        Path keyStore = Files.writeString(dir.resolve("client.p12"), "not read when binding");
        Map<String, String> map = new LinkedHashMap<>();
        map.put("mrm.hook.http.notify-ops.url", "https://ops.example.com/mrm-hook");
        map.put("mrm.hook.http.notify-ops.preflight", "true");
        map.put("mrm.hook.http.notify-ops.secret.env", "NOTIFY_OPS_HOOK_SECRET");
        map.put("mrm.hook.http.erp-freeze.url", "https://erp.example.com/hooks/mrm");
        map.put("mrm.hook.http.erp-freeze.tls.key-store", keyStore.toString());
        map.put("mrm.hook.http.erp-freeze.tls.key-store-password.file", "/run/secrets/erp-hook/key-store-password");
        String cpi = "mrm.hook.cloud-integration.cpi-orders.applications.orders.";
        map.put(cpi + "artifacts[0].id", "orders-sync");
        map.put(cpi + "artifacts[1].id", "orders-replicate");
        map.put(cpi + "artifacts[1].version", "1.0.3");
        for (String region : List.of("eu10", "us10")) {
            map.put(
                    cpi + "regions." + region + ".api-url",
                    "https://t-" + region + ".it-cpi018.cfapps." + region + ".hana.ondemand.com");
            map.put(
                    cpi + "regions." + region + ".token-url",
                    "https://t-" + region + ".authentication." + region + ".hana.ondemand.com/oauth/token");
            map.put(cpi + "regions." + region + ".client-id", "sb-mrm-" + region);
            map.put(cpi + "regions." + region + ".client-secret.env", "CPI_" + region.toUpperCase() + "_SECRET");
        }
        return map;
    }

    static String problems(Map<String, String> settings) {
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> bind(settings));
        assertThat(error).isInstanceOf(BindException.class);
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(IllegalArgumentException.class);
        return cause.getMessage();
    }

    @Test
    void aValidConfigurationBindsWithItsDefaults() throws Exception {
        HookProperties props = bind(valid());

        assertThat(props.http()).containsOnlyKeys("notify-ops", "erp-freeze");
        assertThat(props.http().get("notify-ops").preflight()).isTrue();
        assertThat(props.http().get("erp-freeze").preflight()).isFalse();
        var app = props.cloudIntegration().get("cpi-orders").applications().get("orders");
        assertThat(app.artifacts())
                .containsExactly(
                        new HookProperties.Artifact("orders-sync", "active"),
                        new HookProperties.Artifact("orders-replicate", "1.0.3"));
        assertThat(app.regions()).containsOnlyKeys("eu10", "us10");
        assertThat(props.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(props.rememberedCommands()).isEqualTo(10000);
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsKey() throws Exception {
        Map<String, String> settings = valid();
        settings.put("mrm.hook.http.notify-ops.url", "http://ops.example.com/mrm-hook");
        settings.remove("mrm.hook.http.erp-freeze.tls.key-store");
        settings.remove("mrm.hook.http.erp-freeze.tls.key-store-password.file");
        String cpi = "mrm.hook.cloud-integration.cpi-orders.applications.orders.";
        settings.remove(cpi + "regions.us10.client-id");
        settings.put(cpi + "regions.us10.client-secret.file", "/run/secrets/both");
        settings.put(cpi + "regions.eu10.api-url", "https://t.example.com/api/v1");
        settings.put("mrm.hook.poll-interval", "10ms");

        String message = problems(settings);

        assertThat(message)
                .startsWith("invalid hook-actuator configuration:")
                .contains(
                        "mrm.hook.http.notify-ops.url must be https",
                        "mrm.hook.http.erp-freeze needs a way to authenticate MRM to the hook",
                        cpi + "regions.us10.client-id is required",
                        cpi + "regions.us10.client-secret needs exactly one of",
                        cpi + "regions.eu10.api-url must be the service's address only",
                        "mrm.hook.poll-interval must be at least 100ms");
    }

    @Test
    void aHookNameMayBeUsedOnceAndAnApplicationNeedsTwoRegions() throws Exception {
        Map<String, String> settings = valid();
        settings.put("mrm.hook.http.cpi-orders.url", "https://x.example.com/h");
        settings.put("mrm.hook.http.cpi-orders.secret.env", "X");
        settings.keySet().removeIf(k -> k.contains(".regions.us10."));

        String message = problems(settings);

        assertThat(message)
                .contains(
                        "hook name 'cpi-orders' is used by both",
                        "mrm.hook.cloud-integration.cpi-orders.applications.orders.regions needs a tenant in each");
    }

    @Test
    void theApplicationsAHookIsCheckedForAreWhatReadinessCovers() throws Exception {
        Map<String, String> settings = valid();
        settings.put("mrm.hook.http.notify-ops.applications.orders[0]", "eu10");
        settings.put("mrm.hook.http.notify-ops.applications.orders[1]", "us10");

        HookProperties props = bind(settings);

        assertThat(props.ackMargin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(props.served())
                .containsOnlyKeys("notify-ops", "cpi-orders")
                .containsEntry("notify-ops", Map.of("orders", List.of("eu10", "us10")))
                .containsEntry("cpi-orders", Map.of("orders", List.of("eu10", "us10")));
    }

    @Test
    void aHooksApplicationsNeedTheirTwoRegionsTheSameUnderEveryHook() throws Exception {
        Map<String, String> settings = valid();
        settings.put("mrm.hook.http.notify-ops.applications.billing[0]", "eu10");
        settings.put("mrm.hook.http.notify-ops.applications.shop[0]", "eu10");
        settings.put("mrm.hook.http.notify-ops.applications.shop[1]", "eu10");
        settings.put("mrm.hook.ack-margin", "-1s");

        String message = problems(settings);

        assertThat(message)
                .contains(
                        "mrm.hook.http.notify-ops.applications.billing must list the application's two regions",
                        "mrm.hook.http.notify-ops.applications.shop names region 'eu10' twice",
                        "mrm.hook.ack-margin must be zero or positive");

        Map<String, String> conflicting = valid();
        conflicting.put("mrm.hook.http.notify-ops.applications.orders[0]", "eu10");
        conflicting.put("mrm.hook.http.notify-ops.applications.orders[1]", "ap10");

        assertThat(problems(conflicting))
                .contains("application 'orders' has regions [ap10, eu10] under hook 'notify-ops' but [eu10, us10]"
                        + " under hook 'cpi-orders'");
    }

    @Test
    void unknownKeysAreFound() throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>(valid());
        settings.put("mrm.hook.http.notify-ops.preflite", "true");
        settings.put("mrm.hook.cloud-integration.cpi-orders.applications.orders.regions.eu10.client-secrett.env", "X");
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new MapPropertySource("application.yml", settings));

        List<UnknownSetting> unknown = UnknownSettings.find(sources, List.of(SettingsRoot.of(HookProperties.class)));

        assertThat(unknown)
                .extracting(UnknownSetting::key)
                .containsExactlyInAnyOrder(
                        "mrm.hook.http.notify-ops.preflite",
                        "mrm.hook.cloud-integration.cpi-orders.applications.orders.regions.eu10.client-secrett.env");
    }
}
