package io.mrm.mrmctl;

import io.mrm.events.Require;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.TopologyState;
import io.mrm.mrmctl.domain.ExitCodes;
import io.mrm.mrmctl.domain.ReadinessView;
import io.mrm.mrmctl.domain.StatusView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl status}: each application's state as the compacted topology topic has it. */
@Command(
        name = "status",
        description = "Per application: active region, epoch, phase, plan progress, "
                + "hold-down, frozen, last decision (from the compacted topology topic), and a line of "
                + "readiness per region (mrmctl readiness APP for the checks).")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "Only this application.")
    String app;

    @Override
    public Integer call() {
        if (app != null) {
            mrmctl.checked("APP", () -> Require.name("APP", app));
        }
        List<TopologyState> states = mrmctl.kafka().topology(mrmctl.deadline()).stream()
                .filter(s -> app == null || s.applicationId().equals(app))
                .toList();
        if (app != null && states.isEmpty()) {
            return mrmctl.finish(
                    ExitCodes.ERROR,
                    "status",
                    new LinkedHashMap<>(Map.of("application", app, "result", "error")),
                    app + ": no state on the topology topic (the engine writes one after its first input "
                            + "for the application)");
        }
        Map<String, ReadinessState> readiness = new LinkedHashMap<>();
        if (!states.isEmpty()) {
            mrmctl.kafka().readiness(mrmctl.deadline()).forEach(r -> readiness.put(r.applicationId(), r));
        }
        if (mrmctl.output == Mrmctl.Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "status");
            json.put(
                    "applications",
                    states.stream()
                            .map(s -> {
                                Map<String, Object> app = StatusView.json(s);
                                ReadinessState r = readiness.get(s.applicationId());
                                app.put("readiness", r == null ? null : ReadinessView.json(r, mrmctl.now()));
                                return app;
                            })
                            .toList());
            json.put("exitCode", ExitCodes.OK);
            mrmctl.printJson(json);
        } else if (states.isEmpty()) {
            mrmctl.out().println("no applications on the topology topic yet");
        } else {
            Instant now = mrmctl.now();
            for (TopologyState s : states) {
                StatusView.text(s, now).forEach(mrmctl.out()::println);
                ReadinessState r = readiness.get(s.applicationId());
                mrmctl.out()
                        .println("  "
                                + (r == null
                                        ? "readiness: not reported yet"
                                        : ReadinessView.summary(r, s.standbyRegion())));
            }
        }
        return ExitCodes.OK;
    }
}
