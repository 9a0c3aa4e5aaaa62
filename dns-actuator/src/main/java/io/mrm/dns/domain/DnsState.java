package io.mrm.dns.domain;

/**
 * The authority's answer for one application: the region its name points at (null when the record
 * does not exist or matches no configured region) and the fencing epoch stored beside it (0 when
 * there is none yet).
 */
public record DnsState(String region, long epoch) {

    public static final DnsState UNSET = new DnsState(null, 0);

    public DnsState {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
    }
}
