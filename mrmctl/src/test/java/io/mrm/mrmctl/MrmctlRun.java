package io.mrm.mrmctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of mrmctl in this JVM, with what it printed. */
record MrmctlRun(int exitCode, String out, String err) {

    static MrmctlRun of(String... args) {
        return run(new Mrmctl(), args);
    }

    /** mrmctl whose clock stands at {@code now}: requests are issued then. */
    static MrmctlRun at(java.time.Instant now, String... args) {
        return run(new Mrmctl(() -> now), args);
    }

    private static MrmctlRun run(Mrmctl mrmctl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Mrmctl.commandLine(mrmctl);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new MrmctlRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
