package io.mrm.board.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The status board (prefix {@code mrm.board}).
 *
 * @param recentLimit       the most recent decisions, alerts and request outcomes kept and shown per application
 * @param recentWindow      how far back the board reads the decisions topic at start, and the oldest it shows
 * @param maxApplications   the most applications shown; events of further applications are counted, not shown
 * @param heartbeat         how often a live page gets a heartbeat (it shows the page is still live, and keeps
 *                          proxies from closing an idle connection)
 * @param maxClients        the most live pages served at once; further ones get 503 and show the page unlive
 * @param clientTimeout     how long one live connection lasts before the browser is made to reconnect
 * @param auditRange        the time range an audit page covers unless it asks for {@code ?hours=N}
 * @param maxAuditRange     the longest range an audit page may ask for (it reads every topic over that range)
 * @param auditTimeout      the longest an audit page may read the topics before it gives up with 503
 */
@Validated
@ConfigurationProperties("mrm.board")
public record StatusBoardProperties(
        @Min(1) @Max(1000) @DefaultValue("30") int recentLimit,
        @NotNull @DefaultValue("24h") Duration recentWindow,
        @Min(1) @Max(10000) @DefaultValue("500") int maxApplications,
        @NotNull @DefaultValue("15s") Duration heartbeat,
        @Min(1) @Max(10000) @DefaultValue("200") int maxClients,
        @NotNull @DefaultValue("30m") Duration clientTimeout,
        @NotNull @DefaultValue("24h") Duration auditRange,
        @NotNull @DefaultValue("7d") Duration maxAuditRange,
        @NotNull @DefaultValue("30s") Duration auditTimeout) {

    public StatusBoardProperties {
        positive("recent-window", recentWindow);
        positive("heartbeat", heartbeat);
        positive("client-timeout", clientTimeout);
        positive("audit-range", auditRange);
        positive("max-audit-range", maxAuditRange);
        positive("audit-timeout", auditTimeout);
        if (auditRange != null && maxAuditRange != null && auditRange.compareTo(maxAuditRange) > 0) {
            throw new IllegalArgumentException("mrm.board.audit-range (" + auditRange
                    + ") must not be longer than mrm.board.max-audit-range (" + maxAuditRange + ")");
        }
        if (maxAuditRange != null && maxAuditRange.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("mrm.board.max-audit-range must be at least 1h, was " + maxAuditRange);
        }
    }

    private static void positive(String name, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException("mrm.board." + name + " must be positive, was " + value);
        }
    }
}
