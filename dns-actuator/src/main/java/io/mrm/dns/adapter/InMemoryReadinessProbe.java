package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsReadinessProbe;
import io.mrm.dns.domain.Probe;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory router's readiness: it can always route. It knows an application only by the region it
 * starts routed to ({@code mrm.dns.initial-routes}), so that is the one region it reports.
 */
public final class InMemoryReadinessProbe implements DnsReadinessProbe {

    private final Map<String, String> initialRoutes;

    public InMemoryReadinessProbe(Map<String, String> initialRoutes) {
        this.initialRoutes = new TreeMap<>(initialRoutes);
    }

    @Override
    public List<String> applications() {
        return List.copyOf(initialRoutes.keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        String region = initialRoutes.get(applicationId);
        return region == null ? List.of() : List.of(region);
    }

    @Override
    public List<Probe> route(String applicationId, String region) {
        return List.of(Probe.ready("in-memory", "in-memory: nothing outside this process to check"));
    }
}
