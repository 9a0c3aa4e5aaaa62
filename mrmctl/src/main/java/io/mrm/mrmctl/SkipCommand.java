package io.mrm.mrmctl;

import io.mrm.events.operator.SkipStepRequest;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl skip}: break-glass, marks a failed step of a paused plan skipped. */
@Command(name = "skip", description = "Break-glass: mark a failed step of a paused plan skipped and carry on.")
final class SkipCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "DECISION_ID")
    String decisionId;

    @Parameters(index = "2", paramLabel = "STEP", description = "The step number as status prints it (1 = first).")
    int step;

    @Option(names = "--reason", required = true)
    String reason;

    @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
    boolean follow;

    @Override
    public Integer call() {
        if (step < 1) {
            throw mrmctl.usageError("STEP must be >= 1 (steps are numbered from 1), was " + step);
        }
        return new RequestSender(mrmctl)
                .send(
                        "skip",
                        follow,
                        () -> new SkipStepRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                SkipStepRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                decisionId,
                                step - 1,
                                reason),
                        Map.of());
    }
}
