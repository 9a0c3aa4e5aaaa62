package io.mrm.health.domain;

import io.mrm.events.Require;

/** A target and the probe that checks it: the unit the scheduler runs. */
public record MonitoredTarget(ProbeTarget target, Probe probe) {

    public MonitoredTarget {
        Require.present("target", target);
        Require.present("probe", probe);
    }
}
