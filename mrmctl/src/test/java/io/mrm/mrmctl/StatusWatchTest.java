package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** status --watch without a broker to read: it keeps trying and says so, and Ctrl-C still ends it cleanly. */
class StatusWatchTest {

    @Test
    void aWatchWhoseBrokerIsGoneKeepsTryingSaysSoOnceAndEndsCleanlyWhenInterrupted() throws Exception {
        // every read of the topics asks the clock for its deadline: how many reads the watch has tried
        AtomicInteger clockReads = new AtomicInteger();
        Mrmctl mrmctl = new Mrmctl(
                () -> {
                    clockReads.incrementAndGet();
                    return Instant.now();
                },
                null);
        CommandLine cli = Mrmctl.commandLine(mrmctl);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        String broker = MrmctlConfirmationTest.nobodyListening();
        Thread watcher = new Thread(
                () -> exit.set(cli.execute(
                        "--bootstrap-servers",
                        broker,
                        "--timeout",
                        "1s",
                        "--output",
                        "json",
                        "status",
                        "--watch",
                        "--interval",
                        "500ms")),
                "mrmctl-watch");
        watcher.start();
        try {
            Awaitility.await("the watch says it cannot read the topics")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> err.toString().contains("trying again") || !watcher.isAlive());
            assertThat(watcher.isAlive()).as("still watching; err: %s", err).isTrue();
            // several more reads fail after it said so (it must not say so again, nor stop)
            int readsWhenSaid = clockReads.get();
            Awaitility.await("a few more attempts")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> clockReads.get() >= readsWhenSaid + 3 || !watcher.isAlive());
            assertThat(watcher.isAlive()).as("still watching; err: %s", err).isTrue();
        } finally {
            watcher.interrupt();
            watcher.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(watcher.isAlive()).as("the watch ends when interrupted").isFalse();
        assertThat(exit.get()).as("err: %s", err).isZero();
        assertThat(err.toString().split("trying again", -1))
                .as("said once per outage, not per attempt: %s", err)
                .hasSize(2);
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString()).as("stdout holds only status JSON lines").isEmpty();
    }

    @Test
    void theWatchClearsTheScreenWithARealControlSequenceWhileTextFromTheBusStaysDefused() {
        StringWriter terminal = new StringWriter();
        Mrmctl mrmctl = new Mrmctl(Instant::now, null);
        CommandLine cli = Mrmctl.withWriters(mrmctl, new PrintWriter(terminal), new PrintWriter(new StringWriter()));

        cli.getOut().print("orders\033]0;owned\007");
        mrmctl.clearScreen();

        // the filter that defuses what came from the bus used to turn the redraw into "\uFFFD[H\uFFFD[2J" too
        assertThat(terminal.toString()).isEqualTo("orders\uFFFD]0;owned\uFFFD\033[H\033[2J");
    }

    @Test
    void anIntervalWithoutWatchOrBelowHalfASecondIsAUsageError() {
        MrmctlRun alone = MrmctlRun.of("--bootstrap-servers", "127.0.0.1:9", "status", "--interval", "5s");
        assertThat(alone.exitCode()).as(alone.toString()).isEqualTo(io.mrm.mrmctl.domain.ExitCodes.ERROR);
        assertThat(alone.err()).contains("--interval is how often --watch reads the topics");

        MrmctlRun tooFast =
                MrmctlRun.of("--bootstrap-servers", "127.0.0.1:9", "status", "--watch", "--interval", "100ms");
        assertThat(tooFast.exitCode()).as(tooFast.toString()).isEqualTo(io.mrm.mrmctl.domain.ExitCodes.ERROR);
        assertThat(tooFast.err()).contains("--interval: at least 500ms");
    }
}
