package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * DEGRADED used to mean UP to the engine: a standby whose database replication is millions of messages
 * behind was a valid failover target, and nobody heard of it. Now every DEGRADED component is alerted,
 * and the components named in degraded-not-a-target keep their region from being a target.
 */
class DegradedTargetTest {

    final CoreHarness h = new CoreHarness(
            CoreHarness.policy().withAlertComponents(Set.of("hana")).withDegradedNotATarget(Set.of("hana")));

    private List<MrmEvent> standbyHanaDegraded() {
        List<MrmEvent> out = new java.util.ArrayList<>();
        for (String vantage : CoreHarness.VANTAGES) {
            out.addAll(h.feed(h.obs(vantage, "us10", "hana", HealthStatus.DEGRADED, h.now.plusMillis(100))));
        }
        return out;
    }

    @Test
    void aStandbyWhoseReplicationIsFarBehindIsNoAutomaticFailoverTarget() {
        h.bothUp();
        List<MrmEvent> seen = standbyHanaDegraded();
        assertThat(CoreHarness.alertCodes(seen)).contains("COMPONENT_DEGRADED");

        List<MrmEvent> outage = h.report("eu10", HealthStatus.DOWN);
        assertThat(CoreHarness.of(outage, FailoverDecision.class)).isEmpty();
        Alert blocked = CoreHarness.of(outage, Alert.class).stream()
                .filter(a -> a.code().equals("SAFETY_RULE_BLOCKED"))
                .findFirst()
                .orElseThrow();
        assertThat(blocked.rule()).isEqualTo(SafetyRule.STANDBY_HEALTHY);
        assertThat(blocked.message()).contains("us10 is no failover target while hana", "DEGRADED");
    }

    @Test
    void aManualSwitchIntoItNeedsTheOverride() {
        h.bothUp();
        standbyHanaDegraded();
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
        assertThat(h.state.run()).isNull();

        h.feed(new ManualFailoverRequest(
                UUID.randomUUID().toString(),
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.GRACEFUL,
                List.of(SafetyRule.STANDBY_HEALTHY),
                "accepting the backlog"));
        assertThat(h.state.run()).isNotNull();
    }

    @Test
    void withoutThePolicyDegradedIsStillAlertedButCountsAsUp() {
        h.use(CoreHarness.policy().withAlertComponents(Set.of("hana")));
        h.bothUp();
        List<MrmEvent> seen = standbyHanaDegraded();
        assertThat(CoreHarness.of(seen, Alert.class))
                .filteredOn(a -> a.code().equals("COMPONENT_DEGRADED"))
                .singleElement()
                .satisfies(a -> assertThat(a.message()).contains("still counts as up"));
        h.report("eu10", HealthStatus.DOWN);
        assertThat(h.state.run()).isNotNull();
        assertThat(h.state.run().decision().toRegion()).isEqualTo("us10");
    }

    @Test
    void theAlertClearsWhenTheBacklogIsGoneAndTheRegionIsATargetAgain() {
        h.bothUp();
        standbyHanaDegraded();
        for (String vantage : CoreHarness.VANTAGES) {
            h.feed(h.obs(vantage, "us10", "hana", HealthStatus.UP, h.now.plusMillis(100)));
        }
        h.tick(Duration.ofMillis(100));
        assertThat(h.state.raisedAlerts()).noneMatch(k -> k.startsWith("DEGRADED:"));
        h.report("eu10", HealthStatus.DOWN);
        assertThat(h.state.run()).isNotNull();
    }
}
