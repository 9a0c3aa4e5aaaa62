package io.mrm.aem.domain;

import java.util.Optional;

/** Which Message VPN (and which delivery check) serves an application in a region, from configuration. */
public interface EventBrokers {

    Optional<ReplicatedVpn> vpn(String applicationId, String region);

    /** Empty when no delivery check is configured for the region: the verify step then checks state only. */
    Optional<DeliveryCheck> deliveryCheck(String applicationId, String region);
}
