package io.mrm.decision.domain;

import io.mrm.events.MrmEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs recorded engine steps through a core again: the basis of the determinism test, the audit
 * and the backtest. Given the same policy, the outputs equal the recorded ones, ids included.
 */
public final class JournalReplay {

    /** One recorded step: the time the core was given, and the input (null for a tick). */
    public record RecordedStep(String applicationId, Instant now, MrmEvent input) {}

    private JournalReplay() {}

    /** The outputs, in order, of every step; application states start empty. */
    public static List<MrmEvent> replay(DecisionCore core, List<RecordedStep> steps) {
        Map<String, ApplicationState> states = new HashMap<>();
        List<MrmEvent> outputs = new ArrayList<>();
        for (RecordedStep step : steps) {
            ApplicationState state = states.get(step.applicationId());
            StepResult result;
            if (step.input() == null) {
                if (state == null) {
                    continue; // a tick before any input cannot have changed anything
                }
                result = core.tick(state, step.now());
            } else {
                result = core.step(state, step.input(), step.now());
            }
            states.put(step.applicationId(), result.state());
            outputs.addAll(result.outputs());
        }
        return outputs;
    }
}
