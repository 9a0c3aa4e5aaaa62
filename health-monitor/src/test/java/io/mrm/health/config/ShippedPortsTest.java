package io.mrm.health.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The ports health-monitor.yml ships: outside the profile local, actuator has a port of its own (9081) in
 * plain HTTP, apart from the webhook's (8081); with the profile local it stays on the webhook's port. The
 * tests start the service on random ports, so this reads the file the way Spring Boot resolves it.
 */
class ShippedPortsTest {

    @Test
    void outsideTheLocalProfileActuatorHasAPlainHttpPortOfItsOwn() throws IOException {
        StandardEnvironment env = environment(null, Map.of());

        assertThat(env.getProperty("server.port")).isEqualTo("8081");
        assertThat(env.getProperty("management.server.port")).isEqualTo("9081");
        assertThat(env.getProperty("management.server.ssl.enabled")).isEqualTo("false");
        assertThat(env.getProperty("server.ssl.bundle"))
                .as("TLS only with the profile webhook-tls")
                .isNull();
    }

    @Test
    void theEnvironmentMovesBothPorts() throws IOException {
        StandardEnvironment env = environment(null, Map.of("MRM_HTTP_PORT", "8443", "MRM_MANAGEMENT_PORT", "9443"));

        assertThat(env.getProperty("server.port")).isEqualTo("8443");
        assertThat(env.getProperty("management.server.port")).isEqualTo("9443");
    }

    @Test
    void theLocalProfileKeepsActuatorOnTheWebhooksPortAsComposeAndTheSandboxExpect() throws IOException {
        assertThat(environment("local", Map.of()).getProperty("management.server.port"))
                .isEqualTo("8081");
        assertThat(environment("local", Map.of("MRM_HTTP_PORT", "0")).getProperty("management.server.port"))
                .as("several monitors in one JVM on random ports")
                .isEqualTo("0");
    }

    @Test
    void theWebhookTlsProfileNamesAPemBundleFromAKubernetesTlsSecret() throws IOException {
        StandardEnvironment env = environment("webhook-tls", Map.of());

        assertThat(env.getProperty("server.ssl.bundle")).isEqualTo("webhook");
        assertThat(env.getProperty("spring.ssl.bundle.pem.webhook.keystore.certificate"))
                .isEqualTo("file:/etc/mrm/webhook-tls/tls.crt");
        assertThat(env.getProperty("spring.ssl.bundle.pem.webhook.keystore.private-key"))
                .isEqualTo("file:/etc/mrm/webhook-tls/tls.key");
        assertThat(env.getProperty("spring.ssl.bundle.pem.webhook.reload-on-update"))
                .isEqualTo("true");
        assertThat(env.getProperty("management.server.ssl.enabled")).isEqualTo("false");
    }

    /** health-monitor.yml's documents as Spring Boot orders them: the active profile's above the rest. */
    private static StandardEnvironment environment(String profile, Map<String, Object> variables) throws IOException {
        List<PropertySource<?>> docs =
                new YamlPropertySourceLoader().load("health-monitor.yml", new ClassPathResource("health-monitor.yml"));
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        List<PropertySource<?>> active = new ArrayList<>();
        for (PropertySource<?> doc : docs) {
            Object on = doc.getProperty("spring.config.activate.on-profile");
            if (on == null) {
                active.add(doc);
            } else if (on.toString().equals(profile)) {
                active.add(0, doc);
            }
        }
        active.forEach(env.getPropertySources()::addLast);
        return env;
    }
}
