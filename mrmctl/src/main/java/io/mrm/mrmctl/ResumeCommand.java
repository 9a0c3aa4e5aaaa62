package io.mrm.mrmctl;

import io.mrm.events.operator.ResumeRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl resume}: resumes a paused plan by retrying its failed step. */
@Command(name = "resume", description = "Resume a paused plan by retrying its failed step.")
final class ResumeCommand implements Callable<Integer> {

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
                        "resume",
                        follow,
                        () -> new ResumeRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                ResumeRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                decisionId,
                                reason),
                        Map.of());
    }
}
