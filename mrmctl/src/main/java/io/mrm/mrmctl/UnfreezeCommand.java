package io.mrm.mrmctl;

import io.mrm.events.operator.UnfreezeRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl unfreeze}: lifts a freeze. */
@Command(name = "unfreeze", description = "Lift a freeze.")
final class UnfreezeCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Option(names = "--reason")
    String reason;

    @Override
    public Integer call() {
        return new RequestSender(mrmctl)
                .send(
                        "unfreeze",
                        false,
                        () -> new UnfreezeRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                UnfreezeRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                reason),
                        Map.of());
    }
}
