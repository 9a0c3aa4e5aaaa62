package io.mrm.dns.domain;

/**
 * Points an application's DNS name at one region. One implementation per backend (Route 53,
 * Azure Traffic Manager, RFC 2136, in-memory for the sandbox); the domain owns this interface.
 */
public interface DnsRouter {

    /** The region the application's name currently resolves to at the authority, or null if unset. */
    String currentRegion(String applicationId) throws DnsRouterException;

    /** Points the application's name at {@code region}. */
    void routeTo(String applicationId, String region) throws DnsRouterException;
}
