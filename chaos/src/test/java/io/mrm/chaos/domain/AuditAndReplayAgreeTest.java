package io.mrm.chaos.domain;

import static io.mrm.chaos.domain.Histories.B;
import static io.mrm.chaos.domain.Histories.DECISION;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuditAndReplayAgreeTest {

    private final AuditAndReplayAgree invariant = new AuditAndReplayAgree();

    private static MrmctlAccount account(
            int replayExit, String result, int decisions, List<MrmctlAccount.AuditRun> runs) {
        return new MrmctlAccount(replayExit, result, decisions, "", 0, runs);
    }

    private static final List<MrmctlAccount.AuditRun> FINISHED_IN_B =
            List.of(new MrmctlAccount.AuditRun(DECISION, "FINISHED", B));

    @Test
    void anAccountThatMatchesTheTopicsHolds() {
        assertThat(invariant.check(Histories.cleanFailover().history(), account(0, "reproduced", 1, FINISHED_IN_B)))
                .isEmpty();
    }

    @Test
    void aReplayThatDivergedBreaksIt() {
        assertThat(invariant.check(Histories.cleanFailover().history(), account(5, "diverged", 1, FINISHED_IN_B)))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("diverged (exit 5)"));
    }

    @Test
    void aReplayMissingADecisionBreaksIt() {
        assertThat(invariant.check(Histories.cleanFailover().history(), account(0, "reproduced", 0, FINISHED_IN_B)))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("reproduced 0 decisions"));
    }

    @Test
    void anAuditWithoutTheSwitchOrWithAnotherEndingBreaksIt() {
        assertThat(invariant.check(Histories.cleanFailover().history(), account(0, "reproduced", 1, List.of())))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("shows no run for"));
        assertThat(invariant.check(
                        Histories.cleanFailover().history(),
                        account(0, "reproduced", 1, List.of(new MrmctlAccount.AuditRun(DECISION, "PAUSED", null)))))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("mrmctl audit says PAUSED"));
    }
}
