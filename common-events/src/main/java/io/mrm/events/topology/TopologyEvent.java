package io.mrm.events.topology;

import io.mrm.events.MrmEvent;

/** Events on the compacted topology topic: the latest per application is its current state. */
public sealed interface TopologyEvent extends MrmEvent permits TopologyState {}
