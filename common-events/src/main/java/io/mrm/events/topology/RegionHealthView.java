package io.mrm.events.topology;

import io.mrm.events.Require;
import java.util.List;

/**
 * One region's health as the engine judges it, and how each vantage point sees it.
 *
 * @param region   the region
 * @param verdict  what the quorum of fresh vantage points says: UP, DEGRADED (up, but a quorum reports a
 *                 component degraded), DOWN or UNKNOWN (never treated as up)
 * @param vantages each vantage point's view, sorted by name
 */
public record RegionHealthView(String region, SeenHealth verdict, List<VantageHealth> vantages) {

    public RegionHealthView {
        Require.name("region", region);
        Require.present("verdict", verdict);
        vantages = Require.list("vantages", vantages);
    }
}
