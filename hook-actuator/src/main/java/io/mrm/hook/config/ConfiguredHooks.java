package io.mrm.hook.config;

import io.mrm.hook.adapter.CloudIntegrationHook;
import io.mrm.hook.adapter.CloudIntegrationTenant;
import io.mrm.hook.adapter.HookTls;
import io.mrm.hook.adapter.HttpHook;
import io.mrm.hook.adapter.Pause;
import io.mrm.hook.domain.HookBackend;
import io.mrm.hook.domain.HookExecutor;
import io.mrm.kafka.SecretReference;
import io.mrm.kafka.SecretSetting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the hooks and the executor from validated {@link HookProperties}. */
public final class ConfiguredHooks {

    private ConfiguredHooks() {}

    /** hook name → hook, for every configured HTTP and Cloud Integration hook. */
    public static Map<String, HookBackend> hooks(HookProperties props, Clock clock, Pause pause) {
        Map<String, HookBackend> hooks = new LinkedHashMap<>();
        props.http().forEach((name, http) -> {
            HookTls tls = http.tls() == null
                    ? null
                    : new HookTls(
                            path(http.tls().keyStore()),
                            secret(http.tls().keyStorePassword()),
                            path(http.tls().trustStore()),
                            secret(http.tls().trustStorePassword()));
            hooks.put(
                    name,
                    new HttpHook(
                            name,
                            URI.create(http.url().trim()),
                            http.preflight(),
                            secret(http.secret()),
                            HttpHook.client(props.connectTimeout(), tls),
                            clock));
        });
        props.cloudIntegration().forEach((name, cpi) -> {
            Map<String, CloudIntegrationHook.Application> applications = new LinkedHashMap<>();
            cpi.applications().forEach((app, settings) -> {
                Map<String, CloudIntegrationTenant> tenants = new LinkedHashMap<>();
                settings.regions()
                        .forEach((region, tenant) -> tenants.put(
                                region,
                                new CloudIntegrationTenant(
                                        app + "/" + region,
                                        URI.create(tenant.apiUrl().trim()),
                                        URI.create(tenant.tokenUrl().trim()),
                                        tenant.clientId().trim(),
                                        tenant.clientSecret().reference(),
                                        props.connectTimeout(),
                                        props.requestTimeout(),
                                        clock)));
                applications.put(
                        app,
                        new CloudIntegrationHook.Application(
                                tenants,
                                settings.artifacts().stream()
                                        .map(a -> new CloudIntegrationHook.Artifact(a.id().trim(), a.version()))
                                        .toList()));
            });
            hooks.put(name, new CloudIntegrationHook(name, applications, props.pollInterval(), clock, pause));
        });
        return hooks;
    }

    public static HookExecutor executor(HookProperties props, Clock clock) {
        return new HookExecutor(hooks(props, clock, Pause.sleeping()), clock, props.rememberedCommands());
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file.trim());
    }

    private static SecretReference secret(SecretSetting setting) {
        return setting == null ? null : setting.reference();
    }
}
