package io.mrm.aem.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.EventsCommand;
import java.time.Clock;
import java.util.Map;

/**
 * Answers event-broker replication (set role, drain, verify) step commands. This version has no backend yet (the Solace SEMP v2 backend comes with the aem-sync issue): after the epoch
 * and deadline checks every command is answered FAILED_FATAL with code {@code NO_BACKEND}, so a
 * plan that needs this actuator pauses with an alert instead of waiting for its deadline.
 */
public final class AemSyncCommandHandler {

    private final Clock clock;
    private final CommandGate gate = new CommandGate();

    public AemSyncCommandHandler(Clock clock) {
        this.clock = clock;
    }

    public CommandAck handle(EventsCommand command) {
        return gate.refusal(command, clock.instant()).orElseGet(() -> Acks.of(command, AckOutcome.FAILED_FATAL,
                "NO_BACKEND", "aem-sync has no backend configured in this version", 0, Map.of(), clock.instant()));
    }
}
