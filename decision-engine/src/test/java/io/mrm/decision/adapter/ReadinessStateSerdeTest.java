package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.ReadinessPolicy;
import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store's serialization of the readiness an application's state keeps: the latest report per actuator
 * survives a restart (else a NOT_READY standby would be forgotten and failed over to), and a state stored
 * before readiness existed still loads, with none. A state restored between a report and its
 * {@code readiness.max-age} shows the check going stale after it, as the engine that stored it would have.
 */
class ReadinessStateSerdeTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    final DecisionCore core = new DecisionCore(Map.of("orders", ApplicationPolicy.defaults("orders", "eu10", "us10")));

    private ApplicationState withReport() {
        return withReport(ReadinessStatus.NOT_READY);
    }

    private ApplicationState withReport(ReadinessStatus status) {
        ReadinessReport report = new ReadinessReport(
                "rr-1",
                "orders",
                T0,
                ReadinessReport.SCHEMA_VERSION,
                Actuator.DNS,
                60_000,
                List.of(new ReadinessCheck(
                        "us10", StepAction.DNS_ROUTE, "hosted-zone", status, "AccessDenied", T0, 7)));
        return core.step(null, report, T0.plusMillis(100)).state();
    }

    @Test
    void theLatestReportPerActuatorSurvivesTheStore() {
        ApplicationState state = withReport();
        assertThat(state.readinessReports()).containsKey(Actuator.DNS);
        assertThat(state.readinessShown()).isNotNull();

        ApplicationState read = ApplicationStateSerde.read(ApplicationStateSerde.write(state));

        assertThat(read).isEqualTo(state);
        assertThat(read.readinessReports().get(Actuator.DNS).checks().get(0).status())
                .isEqualTo(ReadinessStatus.NOT_READY);
    }

    @Test
    void aStateRestoredBetweenAReportAndItsMaxAgeStillTurnsUnknownAfterIt() {
        ApplicationState state = withReport(ReadinessStatus.READY);
        assertThat(state.readinessWindow()).isNotNull();

        ApplicationState restored = ApplicationStateSerde.read(ApplicationStateSerde.write(state));
        Instant pastMaxAge = T0.plus(ReadinessPolicy.DEFAULT_MAX_AGE).plusMillis(1);

        assertThat(restored.readinessWindow()).isEqualTo(state.readinessWindow());
        assertThat(us10(core.tick(restored, T0.plus(ReadinessPolicy.DEFAULT_MAX_AGE))
                        .outputs()))
                .as("not stale yet")
                .isEmpty();
        assertThat(us10(core.tick(restored, pastMaxAge).outputs())).containsExactly(ReadinessStatus.UNKNOWN);
    }

    @Test
    void aStateStoredBeforeTheReadinessWindowStillTurnsUnknownAfterTheMaxAge() throws Exception {
        SmileMapper smile = new SmileMapper();
        ObjectNode stored = (ObjectNode) smile.readTree(ApplicationStateSerde.write(withReport(ReadinessStatus.READY)));
        stored.remove("readinessWindow");

        ApplicationState old = ApplicationStateSerde.read(smile.writeValueAsBytes(stored));

        assertThat(old.readinessWindow()).isNull();
        assertThat(us10(core.tick(old, T0.plus(ReadinessPolicy.DEFAULT_MAX_AGE).plusMillis(1))
                        .outputs()))
                .containsExactly(ReadinessStatus.UNKNOWN);
    }

    /** The published DNS_ROUTE check of us10, per view published. */
    private static List<ReadinessStatus> us10(List<MrmEvent> outputs) {
        return outputs.stream()
                .filter(ReadinessState.class::isInstance)
                .flatMap(o -> ((ReadinessState) o).region("us10").checks().stream())
                .filter(c -> c.action() == StepAction.DNS_ROUTE)
                .map(ReadinessCheck::status)
                .toList();
    }

    @Test
    void aStateStoredBeforeReadinessLoadsWithNone() throws Exception {
        SmileMapper smile = new SmileMapper();
        ObjectNode stored = (ObjectNode) smile.readTree(ApplicationStateSerde.write(withReport()));
        stored.remove("readinessReports");
        stored.remove("readinessShown");

        ApplicationState old = ApplicationStateSerde.read(smile.writeValueAsBytes(stored));

        assertThat(old.readinessReports()).isEmpty();
        assertThat(old.readinessShown()).isNull();
        assertThat(old.applicationId()).isEqualTo("orders");
    }
}
