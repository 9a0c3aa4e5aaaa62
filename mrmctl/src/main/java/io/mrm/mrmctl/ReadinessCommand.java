package io.mrm.mrmctl;

import io.mrm.events.Require;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.mrmctl.domain.ExitCodes;
import io.mrm.mrmctl.domain.ReadinessView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl readiness APP}: could each step of a switch run towards each region now, as the engine sees it. */
@Command(
        name = "readiness",
        description = "Per region of APP: READY, UNKNOWN or NOT_READY, and each actuator's check (action, check, "
                + "status, age, reason), from the engine's view on the compacted readiness topic.")
final class ReadinessCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", paramLabel = "APP", description = "The application.")
    String app;

    @Override
    public Integer call() {
        mrmctl.checked("APP", () -> Require.name("APP", app));
        ReadinessState state = mrmctl.kafka().readiness(mrmctl.deadline()).stream()
                .filter(s -> s.applicationId().equals(app))
                .findFirst()
                .orElse(null);
        if (state == null) {
            return mrmctl.finish(
                    ExitCodes.ERROR,
                    "readiness",
                    new LinkedHashMap<>(Map.of("application", app, "result", "error")),
                    app + ": no readiness on the readiness topic (the engine writes it once an actuator has "
                            + "reported; are the actuators' mrm.readiness.enabled on?)");
        }
        if (mrmctl.output == Mrmctl.Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "readiness");
            json.putAll(ReadinessView.json(state, mrmctl.now()));
            json.put("exitCode", ExitCodes.OK);
            mrmctl.printJson(json);
        } else {
            ReadinessView.text(state, mrmctl.now()).forEach(mrmctl.out()::println);
        }
        return ExitCodes.OK;
    }
}
