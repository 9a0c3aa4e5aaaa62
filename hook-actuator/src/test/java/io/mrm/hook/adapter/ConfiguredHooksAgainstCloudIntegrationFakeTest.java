package io.mrm.hook.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.hook.config.ConfiguredHooks;
import io.mrm.hook.config.HookProperties;
import io.mrm.hook.domain.HookExecutor;
import io.mrm.hook.domain.HookMode;
import io.mrm.hook.domain.HookOutcome.Status;
import io.mrm.hook.domain.HookStep;
import io.mrm.hook.domain.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The hooks as configured (settings bound by Spring Boot's binder, secrets from files) run against a local HTTP
 * receiver and two {@link CloudIntegrationFake} tenants.
 */
class ConfiguredHooksAgainstCloudIntegrationFakeTest {

    @TempDir
    Path dir;

    @Test
    void configuredHttpAndCloudIntegrationHooksRun() throws Exception {
        Path hookSecret = Files.writeString(dir.resolve("hook-secret"), "from-a-file\n");
        Path clientSecret = Files.writeString(dir.resolve("client-secret"), CloudIntegrationFake.CLIENT_SECRET);
        try (LocalReceiver receiver = LocalReceiver.http("from-a-file");
                CloudIntegrationFake a = new CloudIntegrationFake()
                        .designtime("orders-sync", "2.0.0")
                        .deployed("orders-sync", "2.0.0", "STARTED");
                CloudIntegrationFake b = new CloudIntegrationFake().designtime("orders-sync", "2.0.0")) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("mrm.hook.poll-interval", "1s");
            settings.put("mrm.hook.http.notify-ops.url", receiver.url().toString());
            settings.put("mrm.hook.http.notify-ops.secret.file", hookSecret.toString());
            String app = "mrm.hook.cloud-integration.cpi-orders.applications.orders.";
            settings.put(app + "artifacts[0].id", "orders-sync");
            Map<String, CloudIntegrationFake> tenants = Map.of("eu10", a, "us10", b);
            tenants.forEach((region, fake) -> {
                settings.put(
                        app + "regions." + region + ".api-url", fake.apiUrl().toString());
                settings.put(
                        app + "regions." + region + ".token-url",
                        fake.tokenUrl().toString());
                settings.put(app + "regions." + region + ".client-id", CloudIntegrationFake.CLIENT_ID);
                settings.put(app + "regions." + region + ".client-secret.file", clientSecret.toString());
            });
            HookProperties props = new Binder(new MapConfigurationPropertySource(settings))
                    .bindOrCreate("mrm.hook", HookProperties.class);
            MutableClock clock = new MutableClock(Instant.now());
            HookExecutor executor = new HookExecutor(ConfiguredHooks.hooks(props, clock, clock::advance), clock, 100);

            var notified = executor.execute(step("c-1", "notify-ops", clock));
            var switched = executor.execute(step("c-2", "cpi-orders", clock));

            assertThat(notified.status()).isEqualTo(Status.SUCCEEDED);
            assertThat(receiver.deliveries)
                    .singleElement()
                    .satisfies(d -> assertThat(d.signatureValid()).isTrue());
            assertThat(switched.status()).isEqualTo(Status.SUCCEEDED);
            assertThat(a.changes).containsExactly("UNDEPLOY orders-sync");
            assertThat(b.changes).containsExactly("DEPLOY orders-sync 2.0.0");
        }
    }

    static HookStep step(String commandId, String kind, MutableClock clock) {
        return new HookStep(
                commandId,
                "orders",
                "eu10",
                "us10",
                1,
                HookMode.GRACEFUL,
                kind,
                clock.instant().plus(Duration.ofMinutes(5)),
                false);
    }
}
