package io.mrm.events.readiness;

import io.mrm.events.MrmEvent;

/** Events on the readiness-reports topic: what the actuators' read-only checks found. */
public sealed interface ReadinessReportEvent extends MrmEvent permits ReadinessReport {}
