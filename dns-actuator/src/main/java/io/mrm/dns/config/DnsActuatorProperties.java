package io.mrm.dns.config;

import io.mrm.dns.domain.Pacing;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * dns-actuator settings (prefix {@code mrm.dns}).
 *
 * @param router               which DNS backend to drive
 * @param initialRoutes        for the in-memory router: application id → region it starts routed to
 * @param pollInterval         pause between two reads while a change is still being applied or the answers
 *                             have not turned yet; every wait ends by the command's deadline
 * @param ackMargin            how long before the command's deadline waiting stops, so that the ack arrives
 *                             in time
 * @param waitOutCachedAnswers verify succeeds only once the TTL of the answer from before the switch has run
 *                             out since every source answered the new region; false (default) reports until
 *                             when resolvers may hold it (ack detail and {@code oldAnswersCachedUntil})
 */
@Validated
@ConfigurationProperties(DnsActuatorProperties.PREFIX)
public record DnsActuatorProperties(
        @NotNull @DefaultValue("IN_MEMORY") Router router,
        Map<String, String> initialRoutes,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("2s") Duration ackMargin,
        @DefaultValue("false") boolean waitOutCachedAnswers) {

    static final String PREFIX = "mrm.dns";
    static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(1);

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
        List<String> problems = new ArrayList<>();
        if (pollInterval == null
                || pollInterval.isNegative()
                || pollInterval.isZero()
                || pollInterval.compareTo(MAX_POLL_INTERVAL) > 0) {
            problems.add(PREFIX + ".poll-interval must be between 1ms and " + MAX_POLL_INTERVAL.toSeconds() + "s, was "
                    + pollInterval);
        }
        if (ackMargin == null || ackMargin.isNegative()) {
            problems.add(PREFIX + ".ack-margin must be zero or positive, was " + ackMargin);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid dns-actuator configuration:\n - " + String.join("\n - ", problems));
        }
    }

    /** How the command handler waits: sleeping, bounded by each command's deadline. */
    public Pacing pacing() {
        return Pacing.sleeping(pollInterval, ackMargin, waitOutCachedAnswers);
    }
}
