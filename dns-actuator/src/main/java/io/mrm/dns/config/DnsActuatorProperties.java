package io.mrm.dns.config;

import jakarta.validation.constraints.NotNull;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * dns-actuator settings (prefix {@code mrm.dns}).
 *
 * @param router        which DNS backend to drive
 * @param initialRoutes for the in-memory router: application id → region it starts routed to
 */
@Validated
@ConfigurationProperties("mrm.dns")
public record DnsActuatorProperties(
        @NotNull @DefaultValue("IN_MEMORY") Router router,
        Map<String, String> initialRoutes) {

    /** The DNS backends; each cloud backend has its own settings ({@code mrm.dns.route53}, {@code mrm.dns.traffic-manager}). */
    public enum Router {
        IN_MEMORY,
        ROUTE53,
        TRAFFIC_MANAGER,
        /** RFC 2136 dynamic updates with TSIG (BIND, Knot, PowerDNS); settings under mrm.dns.rfc2136 */
        RFC2136
    }

    public DnsActuatorProperties {
        initialRoutes = initialRoutes == null ? Map.of() : Map.copyOf(initialRoutes);
    }
}
