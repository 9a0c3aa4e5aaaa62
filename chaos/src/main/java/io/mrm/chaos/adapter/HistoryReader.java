package io.mrm.chaos.adapter;

import io.mrm.chaos.domain.BackendState;
import io.mrm.chaos.domain.History;
import io.mrm.chaos.domain.RowLedger;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import java.util.List;
import java.util.Set;

/** One application's {@link History} from what the topic reader has read (committed records only) and the backends. */
public final class HistoryReader {

    private HistoryReader() {}

    /** Without the actuators' committed commands and without rows written. */
    public static History read(TopicRecorder recorder, String applicationId, BackendState atRest) {
        return read(recorder, applicationId, atRest, Set.of(), RowLedger.NONE);
    }

    public static History read(
            TopicRecorder recorder,
            String applicationId,
            BackendState atRest,
            Set<String> committedCommands,
            RowLedger rows) {
        return new History(
                of(recorder, FailoverDecision.class, applicationId),
                of(recorder, StepCommand.class, applicationId),
                of(recorder, CommandAck.class, applicationId),
                of(recorder, TopologyState.class, applicationId),
                of(recorder, HealthObservation.class, applicationId),
                atRest,
                committedCommands,
                rows);
    }

    private static <E extends MrmEvent> List<E> of(TopicRecorder recorder, Class<E> type, String applicationId) {
        return recorder.events(type).stream()
                .filter(e -> e.applicationId().equals(applicationId))
                .toList();
    }
}
