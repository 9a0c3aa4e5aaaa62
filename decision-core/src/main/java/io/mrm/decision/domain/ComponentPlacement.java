package io.mrm.decision.domain;

import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Placement;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the switched components are when they are not all in the active region: a region each, or
 * null when the engine cannot tell (a step cut short while running) or none holds it (the event
 * brokers after the old one was set to standby and before the new one was set active).
 *
 * @param dns    the region DNS points at
 * @param data   the region with the writable database
 * @param events the region whose event broker is active
 */
public record ComponentPlacement(String dns, String data, String events) {

    /** Every component in one region. */
    static ComponentPlacement all(String region) {
        return new ComponentPlacement(region, region, region);
    }

    /**
     * The one region every component that {@code managed} names is known to be in, or null. An empty
     * {@code managed} (a plan that switches none of them) puts the application wherever DNS is.
     */
    String region(ManagedComponents managed) {
        String region = null;
        for (String value : managed.values(this)) {
            if (value == null || (region != null && !region.equals(value))) {
                return null;
            }
            region = value;
        }
        return region;
    }

    /** For the topology: only the managed components, null when none is known. */
    Placement published(ManagedComponents managed) {
        return Placement.ofKnown(
                managed.dns() ? dns : null, managed.data() ? data : null, managed.events() ? events : null);
    }

    /** "DNS in us10, data in eu10, events in none": for alerts. */
    String describe(ManagedComponents managed) {
        List<String> parts = new ArrayList<>();
        if (managed.dns()) {
            parts.add("DNS " + where(dns));
        }
        if (managed.data()) {
            parts.add("data " + where(data));
        }
        if (managed.events()) {
            parts.add("events " + where(events));
        }
        return parts.isEmpty() ? "no switched component" : String.join(", ", parts);
    }

    private static String where(String region) {
        return region == null ? "unknown (or in no region)" : "in " + region;
    }

    /**
     * Which components a policy's plan switches: DNS when it routes, data when it promotes, events
     * when it sets a broker active. Only these can diverge.
     */
    record ManagedComponents(boolean dns, boolean data, boolean events) {

        static ManagedComponents of(List<StepAction> plan) {
            return new ManagedComponents(
                    plan.contains(StepAction.DNS_ROUTE),
                    plan.contains(StepAction.DATA_PROMOTE),
                    plan.contains(StepAction.EVENTS_SET_ACTIVE));
        }

        List<String> values(ComponentPlacement p) {
            List<String> values = new ArrayList<>();
            if (dns) {
                values.add(p.dns());
            }
            if (data) {
                values.add(p.data());
            }
            if (events) {
                values.add(p.events());
            }
            return values;
        }
    }
}
