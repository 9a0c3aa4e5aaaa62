package io.mrm.mrmctl;

import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl ack-hold-down}: ends the hold-down after a failover early. */
@Command(name = "ack-hold-down", description = "End the hold-down after a failover early.")
final class AckHoldDownCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() {
        return new RequestSender(mrmctl)
                .send(
                        "ack-hold-down",
                        false,
                        () -> new AcknowledgeHoldDownRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                AcknowledgeHoldDownRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                reason),
                        Map.of());
    }
}
