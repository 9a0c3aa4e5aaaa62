package io.mrm.events.topology;

import io.mrm.events.Require;

/**
 * What one vantage point (a monitor, or an alert source) says of a region's health components.
 *
 * @param vantage the vantage point, as its observations name it
 * @param status  DOWN when it calls any health component down; else DEGRADED when it reports one degraded;
 *                UP when it reports every one up; STALE when its reports are too old to count; UNKNOWN when
 *                it has reported nothing yet
 */
public record VantageHealth(String vantage, SeenHealth status) {

    public VantageHealth {
        Require.name("vantage", vantage);
        Require.present("status", status);
    }
}
