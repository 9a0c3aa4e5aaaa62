package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An alert counts as the vantage {@code alertmanager} or {@code azure-monitor}. Both can be fed through one
 * webhook credential: with a quorum of 2 its holder alone used to force a failover. Alert webhooks together
 * count as at most {@code max-alert-witnesses} (default 1) witnesses.
 */
class AlertWitnessesTest {

    static final List<String> VANTAGES =
            List.of("vantage-1", "vantage-2", "vantage-3", "alertmanager", "azure-monitor");

    final CoreHarness h = new CoreHarness(CoreHarness.policy().withVantages(Set.copyOf(VANTAGES)));
    long sequence;

    private List<MrmEvent> alertDown(String source, String region) {
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < h.policy.failureThreshold(); i++) {
            out.addAll(h.feed(new HealthObservation(
                    "alert-" + source + "-" + ++sequence,
                    "orders",
                    h.now.plusMillis(50),
                    1,
                    region,
                    "app",
                    ProbeKind.ALERT_WEBHOOK,
                    source,
                    HealthStatus.DOWN,
                    null,
                    "firing",
                    null,
                    "run-" + source,
                    sequence)));
        }
        return out;
    }

    @Test
    void oneWebhookCredentialUnderTwoAlertSourcesIsNoQuorum() {
        h.bothUp();
        List<MrmEvent> forged = new ArrayList<>(alertDown("alertmanager", "eu10"));
        forged.addAll(alertDown("azure-monitor", "eu10"));

        assertThat(CoreHarness.of(forged, FailoverDecision.class)).isEmpty();
        assertThat(h.state.run()).isNull();
    }

    @Test
    void anAlertStillCountsAsOneWitnessBesideAProbingMonitor() {
        h.bothUp();
        alertDown("alertmanager", "eu10");
        List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN, 3, List.of("vantage-1"));

        assertThat(CoreHarness.of(out, FailoverDecision.class)).hasSize(1);
    }

    @Test
    void withTwoAlertWitnessesAllowedTheTwoSourcesMakeAQuorum() {
        h.use(h.policy.withMaxAlertWitnesses(2));
        h.bothUp();
        List<MrmEvent> out = new ArrayList<>(alertDown("alertmanager", "eu10"));
        out.addAll(alertDown("azure-monitor", "eu10"));

        assertThat(CoreHarness.of(out, FailoverDecision.class)).hasSize(1);
    }
}
