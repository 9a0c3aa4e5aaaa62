package io.mrm.audit;

import java.time.Instant;

/** Something on an application's timeline besides a run: an operator request or an alert. */
public sealed interface TimelineNote permits RequestTrace, AlertTrace {

    Instant time();
}
