package io.mrm.events.readiness;

import io.mrm.events.decision.Actuator;
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

    /** Every check of one application, towards both of its regions. */
    List<ReadinessCheck> check(String applicationId);
}
