package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A promote command carries its plan's mode: the data actuator must not open a second writable
 * database for a graceful plan whose old primary does not answer, and may for a forced one.
 */
class PromoteModeTest {

    final CoreHarness h = new CoreHarness(CoreHarness.policy());

    static List<DataPromoteCommand> promotes(List<MrmEvent> events) {
        return events.stream()
                .filter(DataPromoteCommand.class::isInstance)
                .map(DataPromoteCommand.class::cast)
                .toList();
    }

    @Test
    void anAutomaticFailoverSendsAForcedPromote() {
        h.failOver();
        assertThat(promotes(h.all)).isNotEmpty().allMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    @Test
    void aPlannedSwitchoverSendsAGracefulPromote() {
        h.bothUp();
        h.feed(new ManualFailoverRequest(
                UUID.randomUUID().toString(),
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.GRACEFUL,
                List.of(),
                "planned"));
        h.completePlan();
        assertThat(promotes(h.all)).isNotEmpty().allMatch(p -> p.mode() == FailoverMode.GRACEFUL);
    }
}
