package io.mrm.kafka;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Who this service is (prefix {@code mrm.service}).
 *
 * @param name     the service, e.g. {@code dns-actuator}; also its consumer group
 * @param instance this instance, e.g. a pod name or vantage id; defaults to {@code name}
 */
@Validated
@ConfigurationProperties("mrm.service")
public record MrmServiceProperties(
        @NotNull @Pattern(regexp = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
        String name,

        @Pattern(regexp = "[A-Za-z0-9._-]{1,128}") String instance) {

    public MrmServiceProperties {
        if (instance == null || instance.isBlank()) {
            instance = name;
        }
    }

    /** The CloudEvents {@code source} of everything this instance publishes. */
    public URI eventSource() {
        return URI.create("/mrm/" + name + "/" + instance);
    }
}
