package io.mrm.events.readiness;

import io.mrm.events.MrmEvent;

/** Events on the compacted readiness topic: the engine's view of each application's readiness. */
public sealed interface ReadinessEvent extends MrmEvent permits ReadinessState {}
