package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An actuator whose clock runs ahead refuses a command as past its deadline before the engine's own
 * deadline has passed, and its answer can arrive inside the engine's tick window. Both sides classify a
 * missed deadline alike — retriable — so such an answer retries the step instead of pausing the plan.
 */
class ActuatorClockSkewTest {

    final CoreHarness h = new CoreHarness(CoreHarness.policy());

    @Test
    void aDeadlineRefusalFromAnActuatorWhoseClockRunsAheadRetriesTheStepInsteadOfPausingThePlan() {
        h.failOver();
        StepCommand promote = h.lastOf(StepAction.DATA_PROMOTE);
        // the actuator's clock is the whole step timeout (and a bit) ahead of the engine's
        Duration ahead =
                Duration.between(promote.time(), promote.step().deadline()).plusMillis(500);
        CommandAck refusal =
                new CommandGate().refusal(promote, h.now.plus(ahead)).orElseThrow();
        assertThat(refusal.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);

        h.feed(refusal);
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        assertThat(CoreHarness.alertCodes(h.all)).doesNotContain("PLAN_PAUSED");
        h.tick(Duration.ofSeconds(3)); // the policy's backoff
        assertThat(h.lastOf(StepAction.DATA_PROMOTE).step().attempt()).isEqualTo(2);
    }
}
