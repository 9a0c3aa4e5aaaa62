package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.Backtest;
import io.mrm.decision.domain.Backtest.BacktestReport;
import io.mrm.decision.domain.Backtest.Governing;
import io.mrm.decision.domain.Backtest.Recording;
import io.mrm.decision.domain.Backtest.Step;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.domain.StepResult;
import io.mrm.decision.policy.PolicyRecords;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RequestSigning;
import io.mrm.mrmctl.adapter.PolicyFile;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A policy file names no Kafka cluster, yet the requests it backtests were signed for the one the journal was
 * recorded on: the backtest checks them against that one, so an unchanged policy shows no difference.
 */
class BacktestClusterTest {

    static final String RECORDED_ON = "MkU3OEVBNTcwNTJENDM2Qg";
    static final KeyPair ALICE = OperatorKeys.generate();
    static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void aSignedRequestBacktestsUnderAPolicyFileAsTheEngineDecidedIt() {
        PolicySettings.Policies file =
                PolicyFile.read("""
                request-signatures: {required: true}
                operators:
                  - {id: alice, roles: [operator], public-key: %s}
                applications:
                  - {id: orders, primary-region: eu10, standby-region: us10, vantages: [vantage-1, vantage-2]}
                """.formatted(OperatorKeys.oneLine(ALICE.getPublic())), Path.of("."));
        RequestAuthority engine = file.authority().inCluster(RECORDED_ON);
        OperatorRequest freeze = RequestSigning.sign(
                new FreezeRequest("req-1", "orders", T, 1, "alice", "CHG-1"), ALICE.getPrivate(), RECORDED_ON);
        StepResult ran = new DecisionCore(file.applications(), engine).step(null, freeze, T);
        assertThat(ran.outputs())
                .filteredOn(RequestOutcome.class::isInstance)
                .allMatch(o -> ((RequestOutcome) o).accepted());
        Governing governing = new Governing(
                file.applications().get("orders"),
                engine,
                PolicyRecords.fingerprint(file.applications().get("orders"), engine));
        Recording recording = new Recording(
                List.of(new Step(
                        1, "orders", T, freeze, governing, ran.outputs().size())),
                ran.outputs());

        RequestAuthority bound = ReplayCommand.inRecordedCluster(recording, file.authority());
        BacktestReport asRecorded =
                Backtest.backtest(recording, file.applications(), bound, "same", Duration.ofSeconds(1));
        BacktestReport unbound =
                Backtest.backtest(recording, file.applications(), file.authority(), "same", Duration.ofSeconds(1));

        assertThat(bound.clusterId()).isEqualTo(RECORDED_ON);
        assertThat(asRecorded.differs()).as("%s", asRecorded.rows()).isZero();
        assertThat(unbound.differs())
                .as("without the recorded cluster the request would read as forged")
                .isOne();
    }

    @Test
    void aJournalThatRecordedNoClusterLeavesTheFilesAuthorityAsItIs() {
        RequestAuthority fromFile = RequestAuthority.signed(List.of());
        Recording none = new Recording(List.of(), List.of());

        assertThat(ReplayCommand.inRecordedCluster(none, fromFile)).isSameAs(fromFile);
    }
}
