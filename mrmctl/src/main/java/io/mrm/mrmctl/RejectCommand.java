package io.mrm.mrmctl;

import io.mrm.events.operator.RejectRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl reject}: rejects a proposed decision. */
@Command(name = "reject", description = "Reject a proposed decision; nothing is switched.")
final class RejectCommand implements Callable<Integer> {

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
                        "reject",
                        false,
                        () -> new RejectRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                RejectRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                decisionId,
                                reason),
                        Map.of());
    }
}
