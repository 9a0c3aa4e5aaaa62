package io.mrm.mrmctl;

import io.mrm.events.Require;
import io.mrm.mrmctl.domain.TimeArgument;
import java.time.Instant;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What the commands that read history share: an optional application and a time range. */
final class AppAndTimeRange {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Parameters(arity = "0..1", paramLabel = "APP", description = "Only this application.")
    String app;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "From TIME on: ISO-8601 (2026-11-25T10:00:00Z) or how long ago (30m, 2h, 7d).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Up to TIME (same forms as --from).")
    String to;

    /** The application asked for, checked; null for all. */
    String app() {
        if (app != null) {
            try {
                Require.name("APP", app);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        return app;
    }

    Instant from(Instant now) {
        return time("--from", from, now);
    }

    Instant to(Instant now) {
        return time("--to", to, now);
    }

    private Instant time(String option, String value, Instant now) {
        try {
            return TimeArgument.instant(option, value, now);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
