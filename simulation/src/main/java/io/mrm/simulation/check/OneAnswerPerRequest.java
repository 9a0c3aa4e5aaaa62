package io.mrm.simulation.check;

import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.simulation.actors.CoreStep;
import java.util.List;

/**
 * Invariant 6: every operator request that reached the core is answered by exactly one RequestOutcome,
 * in the step that took it. Steps are atomic (a crash falls between two), so a request is never taken
 * twice unless it was sent twice, and then each delivery is answered once.
 */
final class OneAnswerPerRequest extends Check {

    OneAnswerPerRequest() {
        super("ONE_ANSWER_PER_REQUEST");
    }

    @Override
    void afterStep(CoreStep step) {
        List<RequestOutcome> answers = Steps.outputs(step, RequestOutcome.class);
        if (step.input() instanceof OperatorRequest request) {
            long forIt = answers.stream()
                    .filter(o -> o.requestId().equals(request.id()))
                    .count();
            if (forIt != 1 || answers.size() != 1) {
                fail(
                        step.nowMs(),
                        "request " + request.id() + " got " + forIt + " answers (" + answers.size()
                                + " outcomes in the step): " + answers);
            }
        } else if (!answers.isEmpty()) {
            fail(step.nowMs(), "a step without a request answered one: " + answers);
        }
    }
}
