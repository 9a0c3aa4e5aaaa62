package io.mrm.mrmctl;

import io.mrm.events.Require;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.TopologyState;
import io.mrm.mrmctl.adapter.MrmKafka;
import io.mrm.mrmctl.domain.ExitCodes;
import io.mrm.mrmctl.domain.ReadinessView;
import io.mrm.mrmctl.domain.StatusTable;
import io.mrm.mrmctl.domain.StatusView;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mrmctl status}: each application's state as the compacted topology topic has it. */
@Command(
        name = "status",
        description = "A table of every application: epoch, phase, plan progress, and per region its role, the "
                + "engine's verdict on its health, what each vantage point sees and its readiness (from the "
                + "compacted topology and readiness topics). With APP, that application in detail: hold-down, "
                + "last decision, every plan step and what to do next. --watch redraws it as it changes.")
final class StatusCommand implements Callable<Integer> {

    static final Duration MIN_INTERVAL = Duration.ofMillis(500);

    @ParentCommand
    Mrmctl mrmctl;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "Only this application, in detail.")
    String app;

    @Option(
            names = "--watch",
            description = "Keep reading and show the status again whenever it changes, until interrupted "
                    + "(Ctrl-C). On a terminal the screen is redrawn; otherwise (and with --output json) each "
                    + "change is printed after the last, a JSON object per line.")
    boolean watch;

    @Option(
            names = "--interval",
            defaultValue = "2s",
            paramLabel = "DURATION",
            converter = Mrmctl.DurationConverter.class,
            description = "How often --watch reads the topics, at least 500ms (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (app != null) {
            mrmctl.checked("APP", () -> Require.name("APP", app));
        }
        if (!watch && spec.commandLine().getParseResult().hasMatchedOption("--interval")) {
            throw mrmctl.usageError("--interval is how often --watch reads the topics: give --watch too");
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw mrmctl.usageError("--interval: at least " + MIN_INTERVAL.toMillis() + "ms, not " + interval);
        }
        if (!watch) {
            return show(read());
        }
        boolean terminal = System.console() != null && mrmctl.output == Mrmctl.Output.text;
        Snapshot last = null;
        boolean unreadable = false;
        while (!Thread.currentThread().isInterrupted()) {
            Snapshot now = null;
            try {
                now = read();
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()
                        || e instanceof org.apache.kafka.common.errors.InterruptException) {
                    // interrupted while reading (Ctrl-C ends a watch): not an error
                    break;
                }
                if (!(e instanceof MrmKafka.KafkaUnavailableException)
                        && !(e instanceof org.apache.kafka.common.KafkaException)) {
                    throw e;
                }
                // the broker gone for a while (a restart, a network split) does not end a watch: said once per outage
                if (!unreadable) {
                    mrmctl.err()
                            .println("mrmctl: cannot read the topics (" + e.getMessage() + "); trying again every "
                                    + interval.toMillis() + " ms (Ctrl-C ends)");
                    mrmctl.err().flush();
                    unreadable = true;
                }
            }
            if (now != null && unreadable) {
                mrmctl.err().println("mrmctl: reading the topics again");
                mrmctl.err().flush();
                unreadable = false;
            }
            if (now != null && !now.sameAs(last)) {
                if (terminal) {
                    mrmctl.clearScreen();
                } else if (last != null && mrmctl.output == Mrmctl.Output.text) {
                    mrmctl.out().println();
                }
                if (mrmctl.output == Mrmctl.Output.text) {
                    mrmctl.out().println("# " + mrmctl.now() + " (every " + interval.toMillis() + " ms; Ctrl-C ends)");
                }
                show(now);
                mrmctl.out().flush();
                last = now;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ExitCodes.OK;
    }

    /** What one read of the topics found. */
    record Snapshot(List<TopologyState> states, Map<String, ReadinessState> readiness) {
        /** Equal but for the records' own ids and times: nothing an operator would see changed. */
        boolean sameAs(Snapshot other) {
            return other != null && key(this).equals(key(other));
        }

        private static List<Object> key(Snapshot s) {
            return List.of(
                    s.states.stream().map(StatusCommand::visible).toList(),
                    s.readiness.values().stream()
                            .map(r -> List.of(r.applicationId(), r.regions(), r.missing()))
                            .toList());
        }
    }

    private static List<Object> visible(TopologyState s) {
        return java.util.Arrays.asList(
                s.applicationId(),
                s.epoch(),
                s.activeRegion(),
                s.phase(),
                s.frozen(),
                s.holdDownUntil(),
                s.lastDecisionId(),
                s.planSteps(),
                s.placement(),
                s.fenceDuties(),
                s.health());
    }

    private Snapshot read() {
        List<TopologyState> states = mrmctl.kafka().topology(mrmctl.deadline()).stream()
                .filter(s -> app == null || s.applicationId().equals(app))
                .toList();
        Map<String, ReadinessState> readiness = new LinkedHashMap<>();
        if (!states.isEmpty()) {
            mrmctl.kafka().readiness(mrmctl.deadline()).forEach(r -> readiness.put(r.applicationId(), r));
        }
        return new Snapshot(states, readiness);
    }

    /** Prints the snapshot; the exit code of a single status: 1 when APP has no state yet. */
    private int show(Snapshot snapshot) {
        List<TopologyState> states = snapshot.states();
        Map<String, ReadinessState> readiness = snapshot.readiness();
        if (app != null && states.isEmpty()) {
            String message = app + ": no state on the topology topic (the engine writes one after its first input "
                    + "for the application)";
            if (watch) {
                if (mrmctl.output == Mrmctl.Output.json) {
                    mrmctl.printJson(new LinkedHashMap<>(Map.of("command", "status", "applications", List.of())));
                } else {
                    mrmctl.out().println(message);
                }
                return ExitCodes.OK;
            }
            return mrmctl.finish(
                    ExitCodes.ERROR,
                    "status",
                    new LinkedHashMap<>(Map.of("application", app, "result", "error")),
                    message);
        }
        if (mrmctl.output == Mrmctl.Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "status");
            json.put(
                    "applications",
                    states.stream()
                            .map(s -> {
                                Map<String, Object> one = StatusView.json(s);
                                ReadinessState r = readiness.get(s.applicationId());
                                one.put("readiness", r == null ? null : ReadinessView.json(r, mrmctl.now()));
                                return one;
                            })
                            .toList());
            json.put("exitCode", ExitCodes.OK);
            mrmctl.printJson(json);
        } else if (states.isEmpty()) {
            mrmctl.out().println("no applications on the topology topic yet");
        } else if (app == null) {
            StatusTable.render(states, readiness).forEach(mrmctl.out()::println);
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
                mrmctl.out().println();
                StatusTable.render(List.of(s), readiness)
                        .forEach(line -> mrmctl.out().println("  " + line));
            }
        }
        return ExitCodes.OK;
    }
}
