package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store's serialization of the readiness an application's state keeps: the latest report per actuator
 * survives a restart (else a NOT_READY standby would be forgotten and failed over to), and a state stored
 * before readiness existed still loads, with none.
 */
class ReadinessStateSerdeTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    final DecisionCore core = new DecisionCore(Map.of("orders", ApplicationPolicy.defaults("orders", "eu10", "us10")));

    private ApplicationState withReport() {
        ReadinessReport report = new ReadinessReport(
                "rr-1",
                "orders",
                T0,
                ReadinessReport.SCHEMA_VERSION,
                Actuator.DNS,
                60_000,
                List.of(new ReadinessCheck(
                        "us10",
                        StepAction.DNS_ROUTE,
                        "hosted-zone",
                        ReadinessStatus.NOT_READY,
                        "AccessDenied",
                        T0,
                        7)));
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
