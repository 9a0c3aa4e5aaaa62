package io.mrm.decision.domain;

import io.mrm.events.MrmEvent;
import java.util.List;

/** What one step of the core produced: the next state and the events to publish, in order. */
public record StepResult(ApplicationState state, List<MrmEvent> outputs) {

    public StepResult {
        outputs = List.copyOf(outputs);
    }
}
