package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The health view the topology carries (what mrmctl status, the status board and the engine's gauges show): the
 * quorum's verdict per region and each vantage point's hysteresis state, published when it changes and only then.
 */
class HealthViewTest {

    final DecisionCore core = new DecisionCore(Map.of("orders", DecisionCoreTest.policy(DecisionMode.MANUAL)));
    ApplicationState state;
    Instant now = DecisionCoreTest.T0;
    int seq;

    List<MrmEvent> feed(String vantage, String region, HealthStatus status) {
        now = now.plusMillis(100);
        HealthObservation o = new HealthObservation(
                "obs-" + ++seq, "orders", now, 1, region, "app", ProbeKind.HTTP, vantage, status, 3L, null);
        StepResult result = core.step(state, o, now);
        state = result.state();
        return result.outputs();
    }

    List<MrmEvent> everyone(String region, HealthStatus status, int rounds) {
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (String vantage : DecisionCoreTest.VANTAGES) {
                out.addAll(feed(vantage, region, status));
            }
        }
        return out;
    }

    static List<TopologyState> topologies(List<MrmEvent> out) {
        return out.stream()
                .filter(TopologyState.class::isInstance)
                .map(TopologyState.class::cast)
                .toList();
    }

    RegionHealthView shown(String region) {
        return state.healthShown().stream()
                .filter(v -> v.region().equals(region))
                .findFirst()
                .orElseThrow();
    }

    static List<SeenHealth> statuses(RegionHealthView view) {
        return view.vantages().stream().map(VantageHealth::status).toList();
    }

    @Test
    void bothRegionsUpIsShownPerVantageAndRepeatingItPublishesNothingMore() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);

        assertThat(shown("eu10").verdict()).isEqualTo(SeenHealth.UP);
        assertThat(shown("us10").verdict()).isEqualTo(SeenHealth.UP);
        assertThat(shown("eu10").vantages())
                .extracting(VantageHealth::vantage)
                .containsExactly("vantage-1", "vantage-2", "vantage-3");
        assertThat(statuses(shown("us10"))).containsOnly(SeenHealth.UP);
        // nothing changes: no topology record per observation
        assertThat(topologies(everyone("eu10", HealthStatus.UP, 5))).isEmpty();
    }

    @Test
    void aDeclaredVantageThatNeverReportedIsUnknownNotUp() {
        feed("vantage-1", "eu10", HealthStatus.UP);

        assertThat(shown("eu10").vantages())
                .containsExactly(
                        new VantageHealth("vantage-1", SeenHealth.UP),
                        new VantageHealth("vantage-2", SeenHealth.UNKNOWN),
                        new VantageHealth("vantage-3", SeenHealth.UNKNOWN));
        assertThat(shown("eu10").verdict()).isEqualTo(SeenHealth.UNKNOWN);
        assertThat(shown("us10").verdict()).isEqualTo(SeenHealth.UNKNOWN);
    }

    @Test
    void aVantageIsDownOnlyAtItsFailureThresholdAndTheRegionOnlyWithAQuorum() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);

        feed("vantage-1", "eu10", HealthStatus.DOWN);
        feed("vantage-1", "eu10", HealthStatus.DOWN);
        assertThat(shown("eu10").vantages().get(0).status())
                .as("two failures of three")
                .isEqualTo(SeenHealth.UP);

        List<MrmEvent> out = feed("vantage-1", "eu10", HealthStatus.DOWN);
        assertThat(topologies(out)).hasSize(1);
        assertThat(statuses(topologies(out).get(0).healthOf("eu10").orElseThrow()))
                .containsExactly(SeenHealth.DOWN, SeenHealth.UP, SeenHealth.UP);
        // one vantage of a quorum of two calls it down; the two others still see it up
        assertThat(shown("eu10").verdict()).isEqualTo(SeenHealth.UP);

        for (int i = 0; i < 3; i++) {
            feed("vantage-2", "eu10", HealthStatus.DOWN);
        }
        assertThat(shown("eu10").verdict()).isEqualTo(SeenHealth.DOWN);
        assertThat(statuses(shown("eu10"))).containsExactly(SeenHealth.DOWN, SeenHealth.DOWN, SeenHealth.UP);
    }

    @Test
    void degradedReportsShowAsDegradedAndAQuorumOfThemMakesTheRegionDegraded() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);

        feed("vantage-1", "us10", HealthStatus.DEGRADED);
        assertThat(statuses(shown("us10"))).containsExactly(SeenHealth.DEGRADED, SeenHealth.UP, SeenHealth.UP);
        assertThat(shown("us10").verdict()).isEqualTo(SeenHealth.UP);

        feed("vantage-2", "us10", HealthStatus.DEGRADED);
        assertThat(shown("us10").verdict()).isEqualTo(SeenHealth.DEGRADED);
    }

    @Test
    void aSilentVantageTurnsStaleWhenItsReportsAgeAndTheTopologySaysSo() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);

        // vantage-3 falls silent; the other two go on past the policy's stale-after (30 s)
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            now = now.plus(Duration.ofSeconds(1));
            out.addAll(feed("vantage-1", "eu10", HealthStatus.UP));
            out.addAll(feed("vantage-2", "eu10", HealthStatus.UP));
        }

        assertThat(statuses(shown("eu10"))).containsExactly(SeenHealth.UP, SeenHealth.UP, SeenHealth.STALE);
        assertThat(shown("eu10").verdict()).as("two fresh of quorum two").isEqualTo(SeenHealth.UP);
        assertThat(topologies(out))
                .as("published once when it turned stale")
                .anySatisfy(t -> assertThat(statuses(t.healthOf("eu10").orElseThrow()))
                        .containsExactly(SeenHealth.UP, SeenHealth.UP, SeenHealth.STALE));
        TopologyState last = topologies(out).get(topologies(out).size() - 1);
        assertThat(last.health()).isEqualTo(state.healthShown());
    }

    @Test
    void aRestartedEngineKeepsWhatItShowedSoItDoesNotRepublishAnUnchangedView() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);
        List<RegionHealthView> before = state.healthShown();

        // the stored state round-trips the shown view (the adapter persists the record as it is)
        assertThat(before).hasSize(2);
        assertThat(topologies(feed("vantage-1", "eu10", HealthStatus.UP))).isEmpty();
        assertThat(state.healthShown()).isEqualTo(before);
    }

    List<MrmEvent> tick(Duration later) {
        now = now.plus(later);
        StepResult result = core.tick(state, now);
        state = result.state();
        return result.outputs();
    }

    @Test
    void withNoInputAtAllTheViewTurnsStaleWhenTheReportsAgePastStaleAfter() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);

        assertThat(topologies(tick(Duration.ofSeconds(20)))).as("still fresh").isEmpty();
        List<TopologyState> stale = topologies(tick(Duration.ofSeconds(20)));

        assertThat(stale).hasSize(1);
        assertThat(stale.get(0).health()).allSatisfy(region -> {
            assertThat(region.verdict()).isEqualTo(SeenHealth.UNKNOWN);
            assertThat(statuses(region)).containsOnly(SeenHealth.STALE);
        });
    }

    @Test
    void aClockSteppedBackMakesStaleReportsFreshAgainAndTheViewSaysSo() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);
        tick(Duration.ofSeconds(45));
        assertThat(statuses(shown("eu10"))).containsOnly(SeenHealth.STALE);

        // an NTP correction steps the engine's clock back 30 s: the reports are fresh again
        List<TopologyState> back = topologies(tick(Duration.ofSeconds(-30)));

        assertThat(back).hasSize(1);
        assertThat(statuses(back.get(0).healthOf("eu10").orElseThrow())).containsOnly(SeenHealth.UP);
    }

    @Test
    void renewingReportsThatChangeNothingDoesNotRebuildTheView() {
        everyone("eu10", HealthStatus.UP, 3);
        everyone("us10", HealthStatus.UP, 3);

        long before = HealthAssessment.viewBuilds();
        everyone("eu10", HealthStatus.UP, 10);
        everyone("us10", HealthStatus.UP, 10);

        // 60 steps, each renewing a fresh UP counter: the window holds (other test classes may build views
        // meanwhile on other threads, so allow a few, never one per step)
        assertThat(HealthAssessment.viewBuilds() - before).isLessThan(10);
    }

    /** An observation stamped {@code time} from monitor run {@code run}, taken at the engine's {@code now}. */
    List<MrmEvent> observe(
            String vantage,
            String region,
            HealthStatus status,
            Instant time,
            String run,
            long number,
            ProbeKind probe) {
        HealthObservation o = new HealthObservation(
                "obs-" + ++seq, "orders", time, 1, region, "app", probe, vantage, status, 3L, null, null, run, number);
        StepResult result = core.step(state, o, now);
        state = result.state();
        return result.outputs();
    }

    @Test
    void aReportNumberedLaterButStampedEarlierTurnsTheVantageStaleWhenItsOwnTimeSays() {
        for (String vantage : DecisionCoreTest.VANTAGES) {
            now = now.plusMillis(100);
            observe(vantage, "eu10", HealthStatus.UP, now, "run-1", 1, ProbeKind.HTTP);
        }
        // the next report of vantage-1's run, stamped 25 s earlier (its clock stepped back): it counts from then
        now = now.plusSeconds(1);
        observe("vantage-1", "eu10", HealthStatus.UP, now.minusSeconds(25), "run-1", 2, ProbeKind.HTTP);

        tick(Duration.ofSeconds(6));

        assertThat(state.healthShown()).isEqualTo(HealthAssessment.view(new WorkingState(policy(), state, now)));
        assertThat(statuses(shown("eu10"))).containsExactly(SeenHealth.STALE, SeenHealth.UP, SeenHealth.UP);
    }

    @Test
    void aStaleReportRenewedByAnotherStaleOneIsFreshAgainWhenTheClockStepsBack() {
        for (String vantage : DecisionCoreTest.VANTAGES) {
            now = now.plusMillis(100);
            observe(vantage, "eu10", HealthStatus.UP, now, "run-1", 1, ProbeKind.HTTP);
        }
        Instant reported = now;
        tick(Duration.ofSeconds(40));
        assertThat(statuses(shown("eu10"))).containsOnly(SeenHealth.STALE);
        // a late report of vantage-1, stale on arrival (stamped 5 s after the first, 36 s ago)
        now = now.plusSeconds(1);
        observe("vantage-1", "eu10", HealthStatus.UP, reported.plusSeconds(5), "run-1", 2, ProbeKind.HTTP);
        assertThat(statuses(shown("eu10"))).containsOnly(SeenHealth.STALE);

        // an NTP correction steps the clock back 10 s: that report is 26 s old, fresh
        List<TopologyState> back = topologies(tick(Duration.ofSeconds(-10)));

        assertThat(state.healthShown()).isEqualTo(HealthAssessment.view(new WorkingState(policy(), state, now)));
        assertThat(statuses(shown("eu10"))).containsExactly(SeenHealth.UP, SeenHealth.STALE, SeenHealth.STALE);
        assertThat(back).hasSize(1);
    }

    @Test
    void probesThatTurnIntoAlertWebhooksNoLongerMakeAQuorumInTheView() {
        for (int i = 0; i < 3; i++) {
            now = now.plusMillis(100);
            observe("vantage-1", "eu10", HealthStatus.DOWN, now, "run-1", 1 + i, ProbeKind.HTTP);
            observe("vantage-2", "eu10", HealthStatus.DOWN, now, "run-1", 1 + i, ProbeKind.HTTP);
        }
        assertThat(shown("eu10").verdict()).isEqualTo(SeenHealth.DOWN);

        // both now say so as alert webhooks: together they are at most max-alert-witnesses (1) of a quorum of 2
        now = now.plusMillis(100);
        observe("vantage-1", "eu10", HealthStatus.DOWN, now, "run-1", 4, ProbeKind.ALERT_WEBHOOK);
        observe("vantage-2", "eu10", HealthStatus.DOWN, now, "run-1", 4, ProbeKind.ALERT_WEBHOOK);

        WorkingState w = new WorkingState(policy(), state, now);
        assertThat(HealthAssessment.health(w, "eu10")).isEqualTo(RegionHealth.UNKNOWN);
        assertThat(shown("eu10").verdict()).isEqualTo(SeenHealth.UNKNOWN);
    }

    static ApplicationPolicy policy() {
        return DecisionCoreTest.policy(DecisionMode.MANUAL);
    }
}
