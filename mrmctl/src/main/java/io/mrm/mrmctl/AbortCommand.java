package io.mrm.mrmctl;

import io.mrm.events.operator.AbortRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl abort}: aborts a running or paused plan (or withdraws a proposal). */
@Command(name = "abort", description = "Abort a running or paused plan; steps already done stay done.")
final class AbortCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "DECISION_ID")
    String decisionId;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() {
        return new RequestSender(mrmctl)
                .send(
                        "abort",
                        false,
                        () -> new AbortRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                AbortRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                decisionId,
                                reason),
                        Map.of());
    }
}
