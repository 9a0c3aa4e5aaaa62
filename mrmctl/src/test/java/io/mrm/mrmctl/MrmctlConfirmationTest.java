package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A failover moves an application: mrmctl asks first, unless --yes; where it cannot ask, it refuses. */
class MrmctlConfirmationTest {

    final List<String> asked = new ArrayList<>();

    MrmctlRun run(String answer, String... args) {
        Mrmctl mrmctl = new Mrmctl(Instant::now, null);
        mrmctl.asker = prompt -> {
            asked.add(prompt);
            return answer;
        };
        CommandLine cli = Mrmctl.commandLine(mrmctl);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new MrmctlRun(exit, out.toString(), err.toString());
    }

    static String nobodyListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void withoutATerminalAFailoverNeedsYes() throws IOException {
        MrmctlRun run = run(
                null,
                "--bootstrap-servers",
                nobodyListening(),
                "--timeout",
                "2s",
                "failover",
                "orders",
                "--to",
                "us10",
                "--reason",
                "drill");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("confirm with --yes").doesNotContain("127.0.0.1");
    }

    @Test
    void anAnswerOtherThanYesSendsNothing() throws IOException {
        MrmctlRun run = run(
                "n",
                "--bootstrap-servers",
                nobodyListening(),
                "--timeout",
                "2s",
                "failover",
                "orders",
                "--to",
                "us10",
                "--forced",
                "--reason",
                "drill");

        assertThat(asked).singleElement().asString().contains("Fail orders over to us10 (FORCED");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("not confirmed: nothing was sent");
    }

    @Test
    void yesGoesOnToSendAndSoDoesTheOption() throws IOException {
        String broker = nobodyListening();
        MrmctlRun confirmed = run(
                "y",
                "--bootstrap-servers",
                broker,
                "--timeout",
                "2s",
                "failover",
                "orders",
                "--to",
                "us10",
                "--reason",
                "drill");
        MrmctlRun scripted = run(
                null,
                "--bootstrap-servers",
                broker,
                "--timeout",
                "2s",
                "failover",
                "--yes",
                "orders",
                "--to",
                "us10",
                "--reason",
                "drill");

        // both got past the question, to the next check of a request: who signs it
        assertThat(confirmed.err()).as(confirmed.toString()).contains("--operator is required");
        assertThat(scripted.err()).as(scripted.toString()).contains("--operator is required");
        assertThat(asked).hasSize(1);
    }
}
