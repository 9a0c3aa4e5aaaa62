package io.mrm.mrmctl;

import io.mrm.events.operator.FreezeRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl freeze}: no automatic decision for the application until it is unfrozen. */
@Command(name = "freeze", description = "No automatic decision for APP until unfrozen.")
final class FreezeCommand implements Callable<Integer> {

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
                        "freeze",
                        false,
                        () -> new FreezeRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                FreezeRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                reason),
                        Map.of());
    }
}
