package io.mrm.simulation.check;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.simulation.actors.CoreStep;
import java.util.ArrayList;
import java.util.List;

/** Small questions about one step's outputs, shared by the checks. */
final class Steps {

    private Steps() {}

    static <T> List<T> outputs(CoreStep step, Class<T> type) {
        List<T> found = new ArrayList<>(2);
        for (MrmEvent output : step.result().outputs()) {
            if (type.isInstance(output)) {
                found.add(type.cast(output));
            }
        }
        return found;
    }

    static boolean alerted(CoreStep step, String code) {
        for (MrmEvent output : step.result().outputs()) {
            if (output instanceof Alert a && a.code().equals(code)) {
                return true;
            }
        }
        return false;
    }

    static FailoverDecision decision(CoreStep step) {
        for (MrmEvent output : step.result().outputs()) {
            if (output instanceof FailoverDecision d) {
                return d;
            }
        }
        return null;
    }

    /**
     * Whether the core applied its time-driven rules in this step: not for a request refused before it
     * was considered (the core deliberately evaluates nothing then), nor for a restore.
     */
    static boolean evaluated(CoreStep step) {
        if (step.restore()) {
            return false;
        }
        if (step.input() instanceof OperatorRequest) {
            for (MrmEvent output : step.result().outputs()) {
                if (output instanceof Alert a && a.code().startsWith("REQUEST_")) {
                    return false;
                }
            }
        }
        return true;
    }
}
