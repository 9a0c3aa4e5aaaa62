package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.DrillRun;
import io.mrm.events.operator.DrillRequest;
import io.mrm.events.operator.FailoverMode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store's serialization of a running drill: it survives a restart (its steps, timers and measured times),
 * and a state stored before drills existed still loads, with none.
 */
class DrillStateSerdeTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    final DecisionCore core = new DecisionCore(Map.of("orders", ApplicationPolicy.defaults("orders", "eu10", "us10")));

    private ApplicationState drilling() {
        DrillRequest drill =
                new DrillRequest("d-1", "orders", T0, 1, "alice", null, FailoverMode.GRACEFUL, "quarterly drill");
        return core.step(null, drill, T0.plusMillis(100)).state();
    }

    @Test
    void aRunningDrillSurvivesTheStore() {
        ApplicationState state = drilling();
        assertThat(state.drill().status()).isEqualTo(DrillRun.Status.RUNNING);

        ApplicationState read = ApplicationStateSerde.read(ApplicationStateSerde.write(state));

        assertThat(read).isEqualTo(state);
        assertThat(read.drill().timers().get(0).attemptDeadline()).isNotNull();
    }

    @Test
    void aStateStoredBeforeDrillsLoadsWithNone() throws Exception {
        SmileMapper smile = new SmileMapper();
        ObjectNode stored = (ObjectNode) smile.readTree(ApplicationStateSerde.write(drilling()));
        stored.remove("drill");

        ApplicationState old = ApplicationStateSerde.read(smile.writeValueAsBytes(stored));

        assertThat(old.drill()).isNull();
        assertThat(old.applicationId()).isEqualTo("orders");
    }
}
