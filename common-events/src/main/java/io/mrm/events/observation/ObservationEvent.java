package io.mrm.events.observation;

import io.mrm.events.MrmEvent;

/** Events on the observations topic. */
public sealed interface ObservationEvent extends MrmEvent permits HealthObservation {}
