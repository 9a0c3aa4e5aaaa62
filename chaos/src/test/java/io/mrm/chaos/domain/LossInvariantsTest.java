package io.mrm.chaos.domain;

import static io.mrm.chaos.domain.Histories.A;
import static io.mrm.chaos.domain.Histories.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.operator.FailoverMode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LossInvariantsTest {

    @Test
    void everyCommittedCommandAcknowledgedOnTheTopicLosesNothing() {
        Histories h = Histories.cleanFailover();
        h.committed.addAll(Set.of("cmd-0", "cmd-1"));

        assertThat(new NoAcknowledgedAckLost().check(h.history())).isEmpty();
    }

    @Test
    void aCommandItsActuatorCommittedWithoutAnAcknowledgementOnTheTopicIsAnAckLost() {
        Histories h = Histories.cleanFailover();
        h.committed.addAll(Set.of("cmd-0", "cmd-1"));
        h.acks.remove(1);

        assertThat(new NoAcknowledgedAckLost().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("cmd-1", "committed by its actuator"));
    }

    @Test
    void aCommandNotYetCommittedMayStillLackItsAcknowledgement() {
        Histories h = Histories.cleanFailover();
        h.committed.add("cmd-0");
        h.acks.remove(1);

        assertThat(new NoAcknowledgedAckLost().check(h.history())).isEmpty();
    }

    @Test
    void aGracefulSwitchThatLeftAConfirmedRowBehindLostIt() {
        Histories h = gracefulSwitch(FailoverMode.GRACEFUL);
        h.rows = new RowLedger(Set.of(1L, 2L, 3L), Map.of(A, Set.of(1L, 2L, 3L), B, Set.of(1L, 3L)));

        assertThat(GracefulPlanLosesNoRow.judges(h.history())).isTrue();
        assertThat(new GracefulPlanLosesNoRow().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("1 of 3 confirmed rows", "[2]", B));
    }

    @Test
    void aGracefulSwitchWithEveryConfirmedRowInTheNewPrimaryLostNone() {
        Histories h = gracefulSwitch(FailoverMode.GRACEFUL);
        // a row the old primary held but never confirmed (its commit's answer lost) need not be there
        h.rows = new RowLedger(Set.of(1L, 2L), Map.of(A, Set.of(1L, 2L, 3L), B, Set.of(1L, 2L)));

        assertThat(new GracefulPlanLosesNoRow().check(h.history())).isEmpty();
    }

    @Test
    void aForcedPromoteIsNotJudgedByTheGracefulGuarantee() {
        Histories h = gracefulSwitch(FailoverMode.FORCED);
        h.rows = new RowLedger(Set.of(1L, 2L), Map.of(A, Set.of(1L, 2L), B, Set.of(1L)));

        assertThat(GracefulPlanLosesNoRow.judges(h.history())).isFalse();
        assertThat(new GracefulPlanLosesNoRow().check(h.history())).isEmpty();
    }

    /** The clean failover with a third step: region B's database promoted (in {@code mode}), successfully. */
    private static Histories gracefulSwitch(FailoverMode mode) {
        Histories h = Histories.cleanFailover();
        h.commands.add(Histories.promote("cmd-2", 2, mode));
        h.acks.add(Histories.promoted("ack-2", "cmd-2", 2));
        return h;
    }
}
