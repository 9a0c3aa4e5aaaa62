package io.mrm.events.topology;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Where one plan step stands. */
public record StepProgress(
        int index,
        StepAction action,
        String region,
        StepStatus status,
        int attempts,
        Instant startedAt,
        Instant finishedAt,
        String detail) {

    public StepProgress {
        Require.atLeast("index", index, 0);
        Require.present("action", action);
        Require.name("region", region);
        Require.present("status", status);
        Require.atLeast("attempts", attempts, 0);
        Require.optionalText("detail", detail);
    }
}
