package io.mrm.dns.domain;

import io.mrm.events.ack.ActuatorFailure;
import java.util.List;

/**
 * Points an application's DNS name at one region. One implementation per backend (Route 53,
 * Azure Traffic Manager, RFC 2136, in-memory for the sandbox); the domain owns this interface.
 *
 * <p>Fencing: beside the record every backend keeps the epoch of the decision that last switched
 * it (a TXT record, or an equivalent the backend offers). {@link #routeTo} changes the record only
 * if the authority still holds exactly the state the caller read, in one atomic operation of the
 * backend, so of two actuators racing on one application at most one wins and a stale epoch never
 * overwrites a newer one.
 *
 * <p>No method waits for anything: the caller waits, within the command's deadline.
 */
public interface DnsRouter {

    /**
     * What the authority holds now for the application's name, and whether a change of it is still
     * being applied ({@link DnsState#pendingChange}). Read from state every instance sees, so a
     * restarted actuator reads the same.
     */
    DnsState current(String applicationId) throws ActuatorFailure;

    /**
     * Points the application's name at {@code region} and stores {@code epoch} as its fencing
     * token, atomically and only if the authority still holds {@code expected} (its region and epoch:
     * {@link DnsState#sameRouting}). Returns once the authority has accepted the change, which may
     * still be pending ({@link #current} says until when).
     *
     * @throws DnsFencedException  if the authority no longer holds {@code expected}
     * @throws ActuatorFailure  for any other failure, classified retriable or fatal
     */
    void routeTo(String applicationId, String region, long epoch, DnsState expected) throws ActuatorFailure;

    /**
     * What clients are answered now, asked the way their resolvers ask: one answer per place they may
     * get it from (every authoritative name server of the zone, or the provider's own resolution with
     * its health checks). A source that cannot be reached is an answer with a failure, not an exception.
     *
     * @throws ActuatorFailure when the sources themselves cannot be found (e.g. the zone's name
     *                            servers cannot be read)
     */
    List<DnsAnswer> answers(String applicationId) throws ActuatorFailure;
}
