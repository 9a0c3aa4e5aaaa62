package io.mrm.dns.domain;

/**
 * Points an application's DNS name at one region. One implementation per backend (Route 53,
 * Azure Traffic Manager, RFC 2136, in-memory for the sandbox); the domain owns this interface.
 *
 * <p>Fencing: beside the record every backend keeps the epoch of the decision that last switched
 * it (a TXT record, or an equivalent the backend offers). {@link #routeTo} changes the record only
 * if the authority still holds exactly the state the caller read, in one atomic operation of the
 * backend, so of two actuators racing on one application at most one wins and a stale epoch never
 * overwrites a newer one.
 */
public interface DnsRouter {

    /** What the authority answers now for the application's name. */
    DnsState current(String applicationId) throws DnsRouterException;

    /**
     * Points the application's name at {@code region} and stores {@code epoch} as its fencing
     * token, atomically and only if the authority still holds {@code expected} (its region and epoch:
     * {@link DnsState#sameRouting}).
     *
     * @throws DnsFencedException  if the authority no longer holds {@code expected}
     * @throws DnsRouterException  for any other failure, classified retriable or fatal
     */
    void routeTo(String applicationId, String region, long epoch, DnsState expected) throws DnsRouterException;
}
