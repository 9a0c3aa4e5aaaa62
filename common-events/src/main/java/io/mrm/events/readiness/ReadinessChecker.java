package io.mrm.events.readiness;

import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import java.util.Arrays;
import java.util.List;

/**
 * An actuator's read-only checks: what each step it executes would need, towards each region of each
 * application it serves. Implementations change nothing, bound every call, and turn a failure into a
 * NOT_READY or UNKNOWN check rather than an exception.
 */
public interface ReadinessChecker {

    Actuator actuator();

    /** The applications this actuator serves. */
    List<String> applications();

    /** The two regions of an application, as this actuator knows them. */
    List<String> regions(String applicationId);

    /** Every check of one application, towards both of its regions. */
    List<ReadinessCheck> check(String applicationId);

    /**
     * The checks of one step of a switch towards {@code region} (the target, also for a step on the region
     * being left): what a rehearsal of that step runs. By default every check of the application, filtered;
     * an actuator whose checks are costly reads only what the step needs.
     */
    default List<ReadinessCheck> check(String applicationId, String region, StepAction action) {
        return check(applicationId).stream()
                .filter(c -> c.region().equals(region) && c.action() == action)
                .toList();
    }

    /** The steps this actuator checks (all it executes unless it says otherwise). */
    default List<StepAction> actions() {
        return Arrays.stream(StepAction.values())
                .filter(a -> a.actuator() == actuator())
                .toList();
    }
}
