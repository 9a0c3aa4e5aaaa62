package io.mrm.aem.domain;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.command.ReplicationRole;
import java.time.Instant;
import java.util.List;

/**
 * One Message VPN of a replicated pair, as the broker's management API shows it (Solace SEMP v2 in
 * production). The domain owns this interface; adapters implement it.
 */
public interface ReplicatedVpn {

    /** E.g. {@code VPN orders-eu10 at https://mr-abc.messaging.solace.cloud:943}; never a credential. */
    String describe();

    /** The VPN's replication state and the depth of its replication queue. */
    VpnState read() throws ActuatorFailure;

    /** Asks the broker to give the VPN {@code role}; the change may become visible only later. */
    void setRole(ReplicationRole role) throws ActuatorFailure;

    /** The fence marks of {@code applicationId} on this VPN. */
    List<FenceMark> marks(String applicationId) throws ActuatorFailure;

    /** Creates a mark atomically; creating one that exists already is not an error. */
    void create(String applicationId, FenceMark mark) throws ActuatorFailure;

    /** Deletes a mark; deleting one that does not exist is not an error. */
    void delete(String applicationId, FenceMark mark) throws ActuatorFailure;

    /**
     * This VPN with every request bounded to end by {@code until} (sooner than the request timeout
     * when less time is left; refused at once, retriably, when none is): so that a command's
     * acknowledgement is not held past its deadline by a broker that accepts connections and never
     * answers. An implementation without requests of its own returns itself.
     */
    default ReplicatedVpn within(Instant until) {
        return this;
    }
}
