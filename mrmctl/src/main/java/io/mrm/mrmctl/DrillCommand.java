package io.mrm.mrmctl;

import io.mrm.events.operator.DrillRequest;
import io.mrm.events.operator.FailoverMode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl drill}: rehearse APP's switch; every actuator checks and times its step and changes nothing. */
@Command(
        name = "drill",
        description = "Rehearse switching APP to --to REGION (the standby by default): the real plan runs with "
                + "every step a rehearsal that checks, times and changes nothing; prints the predicted RTO.")
final class DrillCommand implements Callable<Integer> {

    /** How the rehearsed plan switches, as {@code --mode} spells it. */
    enum Mode {
        graceful,
        forced
    }

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Option(
            names = "--to",
            paramLabel = "REGION",
            description = "The region to rehearse switching to (default: the standby).")
    String region;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "graceful",
            description = "The plan rehearsed: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--reason", required = true)
    String reason;

    @Option(
            names = "--follow",
            description = "Print each step as it is acknowledged, and the predicted RTO at the end (or --timeout).")
    boolean follow;

    @Override
    public Integer call() {
        return new RequestSender(mrmctl)
                .send(
                        "drill",
                        follow,
                        true,
                        () -> new DrillRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                DrillRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                region,
                                mode == Mode.forced ? FailoverMode.FORCED : FailoverMode.GRACEFUL,
                                reason),
                        Map.of("--to", "targetRegion"));
    }
}
