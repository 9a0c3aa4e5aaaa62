package io.mrm.mrmctl;

import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.mrmctl.domain.ExitCodes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl failover}: a manual switch of an application to the named region. */
@Command(name = "failover", description = "Switch APP to --to REGION now.")
final class FailoverCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Option(names = "--to", required = true, paramLabel = "REGION")
    String region;

    @Option(names = "--forced", description = "Skip the steps that need the old region.")
    boolean forced;

    @Option(
            names = "--override",
            paramLabel = "RULE",
            arity = "1..*",
            description = "Safety rules not to check (break-glass): ${COMPLETION-CANDIDATES}.")
    List<SafetyRule> overrides;

    @Option(names = "--reason", required = true)
    String reason;

    @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
    boolean follow;

    @Option(
            names = {"-y", "--yes"},
            description = "Do not ask for confirmation (scripts; needed where there is no terminal to ask on).")
    boolean yes;

    @Override
    public Integer call() {
        if (!yes) {
            // a failover moves an application's traffic, data and events: never on a mistyped command
            String answer = mrmctl.ask(String.format(
                    "Fail %s over to %s%s? This moves its traffic, data and events. [y/N] ",
                    app, region, forced ? " (FORCED: the region it leaves is not drained)" : ""));
            if (answer == null) {
                throw mrmctl.usageError("failover moves " + app + "'s traffic, data and events: confirm with --yes "
                        + "(there is no terminal to ask on)");
            }
            if (!List.of("y", "yes").contains(answer.trim().toLowerCase(java.util.Locale.ROOT))) {
                return mrmctl.finish(
                        ExitCodes.ERROR,
                        "failover",
                        Map.of("result", "not-confirmed"),
                        "not confirmed: nothing was sent");
            }
        }
        return new RequestSender(mrmctl)
                .send(
                        "failover",
                        follow,
                        () -> new ManualFailoverRequest(
                                RequestSender.newId(),
                                app,
                                mrmctl.now(),
                                ManualFailoverRequest.SCHEMA_VERSION,
                                mrmctl.operator,
                                region,
                                forced ? FailoverMode.FORCED : FailoverMode.GRACEFUL,
                                overrides,
                                reason),
                        Map.of("--to", "targetRegion"));
    }
}
