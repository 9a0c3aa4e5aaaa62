package io.mrm.dns.domain;

import java.util.List;

/**
 * Read-only checks of what a switch needs from the DNS backend, next to {@link DnsRouter}: one
 * implementation per backend. Nothing here changes the authority; every call is bounded by the
 * backend's own timeout.
 */
public interface DnsReadinessProbe {

    /** The applications configured for this backend. */
    List<String> applications();

    /** The regions the application's name can be pointed at, as configured. */
    List<String> regions(String applicationId);

    /**
     * Whether {@link DnsRouter#routeTo} towards {@code region} could run now: credentials, the zone or
     * profile, the record and the region's target. Never throws: a failure is a NOT_READY or UNKNOWN probe.
     */
    List<Probe> route(String applicationId, String region);
}
