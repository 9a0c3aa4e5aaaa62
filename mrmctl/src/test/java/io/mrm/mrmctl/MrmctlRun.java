package io.mrm.mrmctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of mrmctl in this JVM, with what it printed. */
record MrmctlRun(int exitCode, String out, String err) {

    /** mrmctl against this broker and topic prefix, with this --timeout. */
    static MrmctlRun against(
            io.mrm.testsupport.InProcessKafka kafka, io.mrm.events.TopicNames names, String timeout, String... args) {
        String[] all = new String[6 + args.length];
        System.arraycopy(
                new String[] {
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--topic-prefix",
                    names.prefix(),
                    "--timeout",
                    timeout
                },
                0,
                all,
                0,
                6);
        System.arraycopy(args, 0, all, 6, args.length);
        return of(all);
    }

    /** mrmctl without the operator's own contexts file (only one --config or MRMCTL_CONFIG names is read). */
    static MrmctlRun of(String... args) {
        return run(new Mrmctl(java.time.Instant::now, null), args);
    }

    /** mrmctl whose contexts file, when none is named, is {@code defaultConfig} (as ~/.config/mrmctl/config.yaml). */
    static MrmctlRun withDefaultConfig(java.nio.file.Path defaultConfig, String... args) {
        return run(new Mrmctl(java.time.Instant::now, defaultConfig), args);
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
