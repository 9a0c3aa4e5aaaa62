package io.mrm.aem.adapter;

import io.mrm.aem.domain.DeliveryCheck;
import io.mrm.aem.domain.EventBrokers;
import io.mrm.aem.domain.ReplicatedVpn;
import java.util.Map;
import java.util.Optional;

/** The VPNs and delivery checks built from configuration, by application id and region. */
public final class ConfiguredEventBrokers implements EventBrokers {

    /** One region of one application. */
    public record Site(ReplicatedVpn vpn, DeliveryCheck deliveryCheck) {}

    private final Map<String, Map<String, Site>> sites;

    public ConfiguredEventBrokers(Map<String, Map<String, Site>> sites) {
        this.sites = Map.copyOf(sites);
    }

    @Override
    public Optional<ReplicatedVpn> vpn(String applicationId, String region) {
        return site(applicationId, region).map(Site::vpn);
    }

    @Override
    public Optional<DeliveryCheck> deliveryCheck(String applicationId, String region) {
        return site(applicationId, region).map(Site::deliveryCheck);
    }

    private Optional<Site> site(String applicationId, String region) {
        return Optional.ofNullable(sites.getOrDefault(applicationId, Map.of()).get(region));
    }
}
