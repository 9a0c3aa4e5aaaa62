package io.mrm.aem.adapter;

import io.mrm.aem.domain.VpnInspection;
import io.mrm.aem.domain.VpnInspections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The inspections built from configuration, by application id and region, in configuration order. */
public final class ConfiguredVpnInspections implements VpnInspections {

    private final Map<String, Map<String, VpnInspection>> sites;

    public ConfiguredVpnInspections(Map<String, Map<String, VpnInspection>> sites) {
        Map<String, Map<String, VpnInspection>> copy = new LinkedHashMap<>();
        sites.forEach((app, regions) -> copy.put(app, new LinkedHashMap<>(regions)));
        this.sites = copy;
    }

    @Override
    public List<String> applications() {
        return List.copyOf(sites.keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        return List.copyOf(sites.getOrDefault(applicationId, Map.of()).keySet());
    }

    @Override
    public Optional<VpnInspection> inspection(String applicationId, String region) {
        return Optional.ofNullable(sites.getOrDefault(applicationId, Map.of()).get(region));
    }
}
