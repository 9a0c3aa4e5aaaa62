package io.mrm.mrmctl;

import io.mrm.events.operator.ApproveRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl approve}: approves a proposed decision (a MANUAL mode proposal, or the two-person rule). */
@Command(name = "approve", description = "Approve a proposed decision, which then executes.")
final class ApproveCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "DECISION_ID")
    String decisionId;

    @Option(names = "--reason")
    String reason;

    @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
    boolean follow;

    @Override
    public Integer call() {
        return new RequestSender(mrmctl)
                .send(
                        "approve",
                        follow,
                        () -> new ApproveRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                ApproveRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                decisionId,
                                reason),
                        Map.of());
    }
}
