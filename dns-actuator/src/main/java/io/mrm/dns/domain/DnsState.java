package io.mrm.dns.domain;

import java.util.Map;
import java.util.Objects;

/**
 * The authority's configuration for one application: the region its name points at (null when the
 * record does not exist or matches no configured region), the fencing epoch stored beside it (0 when
 * there is none yet), and a change the authority accepted but that is not settled yet: not served from
 * all its servers, or not yet through a health check that decides whether clients get it (null when
 * there is none).
 *
 * <p>This is what the authority holds, not what clients are answered: that is {@link DnsRouter#answers}.
 *
 * <p>{@code details} is what the backend reports besides, e.g. Traffic Manager's endpoint monitor
 * status; it is copied into the acknowledgement and is not part of the fenced state: compare states
 * with {@link #sameRouting}.
 *
 * @param pendingChange what is still pending, e.g. Route 53's change id while {@code GetChange} says PENDING,
 *                      or Traffic Manager's first health probe of the endpoint routed to
 */
public record DnsState(String region, long epoch, Map<String, String> details, String pendingChange) {

    public static final DnsState UNSET = new DnsState(null, 0);

    public DnsState {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public DnsState(String region, long epoch) {
        this(region, epoch, Map.of(), null);
    }

    public DnsState(String region, long epoch, Map<String, String> details) {
        this(region, epoch, details, null);
    }

    /** This state, with a change the authority has not applied everywhere yet. */
    public DnsState pending(String change) {
        return new DnsState(region, epoch, details, change);
    }

    public boolean isPending() {
        return pendingChange != null;
    }

    /** Same region and same fencing epoch, whatever the details. */
    public boolean sameRouting(DnsState other) {
        return other != null && epoch == other.epoch && Objects.equals(region, other.region);
    }
}
