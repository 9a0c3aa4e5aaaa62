package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mrmctl audit` refuses bad input with exit 1 and one line naming the option, before contacting Kafka. */
class AuditCommandParsingTest {

    // an address that would hang: a bad input must fail before Kafka is contacted
    static MrmctlRun audit(String... args) {
        String[] all = new String[4 + args.length];
        System.arraycopy(new String[] {"--bootstrap-servers", "192.0.2.1:9092", "--timeout", "2s"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        return MrmctlRun.of(all);
    }

    @Test
    void aTimeThatIsNoTimeIsRefusedNamingTheOption() {
        MrmctlRun run = audit("audit", "--from", "yesterday");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err())
                .contains("--from 'yesterday' is not a time")
                .contains("Try 'mrmctl audit --help'")
                .doesNotContain("\tat ");
    }

    @Test
    void fromAfterToIsRefused() {
        MrmctlRun run = audit("audit", "--from", "1h", "--to", "2h");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("is after --to");
    }

    @Test
    void anUnknownFormatIsRefusedListingTheKnownOnes() {
        MrmctlRun run = audit("audit", "--format", "pdf");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--format").contains("text, json, html");
    }

    @Test
    void htmlToStdoutConflictsWithJsonOutput() {
        MrmctlRun run = audit("--output", "json", "audit", "--format", "html");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--format html and --output json both choose what goes to stdout");
    }

    @Test
    void anOutFileInAMissingDirectoryIsRefused(@TempDir Path dir) {
        MrmctlRun run = audit(
                "audit",
                "--format",
                "html",
                "--out",
                dir.resolve("nope/report.html").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--out").contains("does not exist");
    }

    @Test
    void anOutThatIsADirectoryIsRefused(@TempDir Path dir) {
        MrmctlRun run = audit("audit", "--out", dir.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("is a directory");
    }

    @Test
    void anInvalidApplicationIdIsRefused() {
        MrmctlRun run = audit("audit", "Orders!");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("APP 'Orders!' is not valid");
    }

    @Test
    void withoutBootstrapServersItSaysWhereToSetThem() {
        MrmctlRun run = MrmctlRun.of("--bootstrap-servers", "", "audit");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--bootstrap-servers is required");
    }

    @Test
    void kafkaThatDoesNotAnswerIsAnErrorWithinTheTimeout(@TempDir Path dir) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path out = dir.resolve("audit.html");
        long start = System.nanoTime();
        MrmctlRun run = MrmctlRun.of(
                "--bootstrap-servers",
                "127.0.0.1:" + closedPort,
                "--timeout",
                "2s",
                "audit",
                "--format",
                "html",
                "--out",
                out.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("127.0.0.1:" + closedPort).doesNotContain("\tat ");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void helpListsTheAuditOptions() {
        MrmctlRun run = MrmctlRun.of("audit", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("--from=TIME")
                .contains("--to=TIME")
                .contains("--format=FORMAT")
                .contains("--out=FILE");
    }
}
