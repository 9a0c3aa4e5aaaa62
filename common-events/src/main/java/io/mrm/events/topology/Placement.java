package io.mrm.events.topology;

import io.mrm.events.Require;

/**
 * Where each switched component of an application is, as far as the engine knows from the steps that
 * took effect: a region, or null when it cannot tell (a step was cut short while running, or the
 * region being left may still accept work because it could not be fenced).
 *
 * @param dns    the region the application's DNS name points at
 * @param data   the region whose database is the writable primary
 * @param events the region whose event broker is the active replication site
 */
public record Placement(String dns, String data, String events) {

    public Placement {
        Require.optionalName("placement.dns", dns);
        Require.optionalName("placement.data", data);
        Require.optionalName("placement.events", events);
        if (dns == null && data == null && events == null) {
            throw new IllegalArgumentException("placement must name at least one component's region "
                    + "(leave placement out when none is known)");
        }
    }

    /** The placement, or null when no component's region is known. */
    public static Placement ofKnown(String dns, String data, String events) {
        return dns == null && data == null && events == null ? null : new Placement(dns, data, events);
    }

    /** Everything in one region. */
    public static Placement all(String region) {
        return new Placement(region, region, region);
    }

    /** Every component is known and in the same region. */
    public boolean whollyIn(String region) {
        return region.equals(dns) && region.equals(data) && region.equals(events);
    }
}
