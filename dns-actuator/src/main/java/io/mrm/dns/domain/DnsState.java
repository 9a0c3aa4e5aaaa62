package io.mrm.dns.domain;

import java.util.Map;
import java.util.Objects;

/**
 * The authority's answer for one application: the region its name points at (null when the record
 * does not exist or matches no configured region) and the fencing epoch stored beside it (0 when
 * there is none yet).
 *
 * <p>{@code details} is what the backend reports besides, e.g. Traffic Manager's endpoint monitor
 * status; it is copied into the acknowledgement and is not part of the fenced state: compare states
 * with {@link #sameRouting}.
 */
public record DnsState(String region, long epoch, Map<String, String> details) {

    public static final DnsState UNSET = new DnsState(null, 0);

    public DnsState {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public DnsState(String region, long epoch) {
        this(region, epoch, Map.of());
    }

    /** Same region and same fencing epoch, whatever the details. */
    public boolean sameRouting(DnsState other) {
        return other != null && epoch == other.epoch && Objects.equals(region, other.region);
    }
}
