package io.mrm.mrmctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of mrmctl in this JVM, with what it printed. */
record MrmctlRun(int exitCode, String out, String err) {

    static MrmctlRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Mrmctl.commandLine(new Mrmctl());
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
