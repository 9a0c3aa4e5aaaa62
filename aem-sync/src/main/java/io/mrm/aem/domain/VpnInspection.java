package io.mrm.aem.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Read-only views of one region's Message VPN, for the readiness checks: nothing here changes the broker
 * (Solace SEMP v2 monitor reads in production). The domain owns this interface; adapters implement it.
 */
public interface VpnInspection {

    /** E.g. {@code VPN orders-eu10 at mr-abc.messaging.solace.cloud:943}; never a credential. */
    String describe();

    /** The VPN's replication state and replication queue depth. */
    VpnState state() throws InspectionFailure;

    /** The SEMP user's access levels, globally and on this VPN. */
    SempAccess access() throws InspectionFailure;

    /** The verify step's delivery-check queue; empty when no delivery check is configured for the region. */
    Optional<QueueState> deliveryQueue() throws InspectionFailure;

    /** This inspection with every request bounded to end by {@code until}. */
    VpnInspection within(Instant until);
}
