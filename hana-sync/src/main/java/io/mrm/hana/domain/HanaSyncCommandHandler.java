package io.mrm.hana.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DataCommand;
import java.time.Clock;
import java.util.Map;

/**
 * Answers data-replication (drain, promote, re-protect) step commands. This version has no backend yet (SAP HANA Cloud and PostgreSQL/Debezium backends come with the hana-sync issue): after the epoch
 * and deadline checks every command is answered FAILED_FATAL with code {@code NO_BACKEND}, so a
 * plan that needs this actuator pauses with an alert instead of waiting for its deadline.
 */
public final class HanaSyncCommandHandler {

    private final Clock clock;
    private final CommandGate gate = new CommandGate();

    public HanaSyncCommandHandler(Clock clock) {
        this.clock = clock;
    }

    public CommandAck handle(DataCommand command) {
        return gate.refusal(command, clock.instant()).orElseGet(() -> Acks.of(command, AckOutcome.FAILED_FATAL,
                "NO_BACKEND", "hana-sync has no backend configured in this version", 0, Map.of(), clock.instant()));
    }
}
