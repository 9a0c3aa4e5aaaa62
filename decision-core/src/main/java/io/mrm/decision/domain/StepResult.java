package io.mrm.decision.domain;

import io.mrm.events.MrmEvent;
import java.util.List;

/**
 * What one step of the core produced: the next state, the events to publish, in order, and, when the
 * input was refused, why (the host dead-letters such an input; the state and outputs still count).
 */
public record StepResult(ApplicationState state, List<MrmEvent> outputs, InputRefusal refusal) {

    public StepResult {
        outputs = List.copyOf(outputs);
    }

    public StepResult(ApplicationState state, List<MrmEvent> outputs) {
        this(state, outputs, null);
    }
}
