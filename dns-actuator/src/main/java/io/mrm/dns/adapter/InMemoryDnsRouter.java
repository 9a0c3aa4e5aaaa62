package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsRouter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A DNS "authority" in this process: for the sandbox and tests, and nothing else. */
public class InMemoryDnsRouter implements DnsRouter {

    private final Map<String, String> routes = new ConcurrentHashMap<>();

    public InMemoryDnsRouter(Map<String, String> initialRoutes) {
        routes.putAll(initialRoutes);
    }

    @Override
    public String currentRegion(String applicationId) {
        return routes.get(applicationId);
    }

    @Override
    public void routeTo(String applicationId, String region) {
        routes.put(applicationId, region);
    }
}
