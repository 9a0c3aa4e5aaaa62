package io.mrm.chaos.domain;

import io.mrm.events.decision.FailoverDecision;
import java.util.List;

/** At the end, the application's name points at the region the last switch chose (the primary if none was made). */
public final class DnsFollowsLastDecision implements Invariant {

    private final String primaryRegion;

    public DnsFollowsLastDecision(String primaryRegion) {
        this.primaryRegion = primaryRegion;
    }

    @Override
    public String name() {
        return "DNS follows the last decision";
    }

    @Override
    public List<Violation> check(History history) {
        List<FailoverDecision> switches = history.switches();
        String expected = switches.isEmpty()
                ? primaryRegion
                : switches.get(switches.size() - 1).toRegion();
        String actual = history.atRest().dnsRegion();
        if (!expected.equals(actual)) {
            return List.of(new Violation(name(), "DNS points at " + actual + ", the last decision chose " + expected));
        }
        return List.of();
    }
}
