package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsAnswer;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.DnsState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A DNS "authority" in this process: for tests, and nothing else. */
public class InMemoryDnsRouter implements DnsRouter {

    private final Map<String, DnsState> routes = new ConcurrentHashMap<>();

    public InMemoryDnsRouter(Map<String, String> initialRoutes) {
        initialRoutes.forEach((app, region) -> routes.put(app, new DnsState(region, 0)));
    }

    @Override
    public DnsState current(String applicationId) {
        return routes.getOrDefault(applicationId, DnsState.UNSET);
    }

    @Override
    public void routeTo(String applicationId, String region, long epoch, DnsState expected) throws DnsFencedException {
        DnsState next = new DnsState(region, epoch);
        // compare-and-set, the same guarantee a backend's atomic change batch gives
        boolean swapped = expected.equals(DnsState.UNSET) && !routes.containsKey(applicationId)
                ? routes.putIfAbsent(applicationId, next) == null
                : routes.replace(applicationId, expected, next);
        if (!swapped) {
            throw new DnsFencedException("the record changed since it was read: now " + current(applicationId), null);
        }
    }

    /** Clients are answered with the record as held: there is no cache and no other server. */
    @Override
    public List<DnsAnswer> answers(String applicationId) {
        String region = current(applicationId).region();
        return List.of(DnsAnswer.answered("in-memory", region, region == null ? "" : "region " + region, null));
    }

    /** For tests: sets the record as an outside party would, without fencing. */
    public void set(String applicationId, String region) {
        routes.put(applicationId, new DnsState(region, current(applicationId).epoch()));
    }
}
