package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Bad input ends with exit 1 and one clear line naming what was wrong, before anything is sent. */
class MrmctlParsingTest {

    // A port nothing listens on would also do, but a bad input must fail before Kafka is contacted,
    // so most of these give an address that would hang if they tried.
    static final String[] KAFKA = {"--bootstrap-servers", "192.0.2.1:9092", "--timeout", "2s", "--operator", "alice"};

    static MrmctlRun run(String... args) {
        String[] all = new String[KAFKA.length + args.length];
        System.arraycopy(KAFKA, 0, all, 0, KAFKA.length);
        System.arraycopy(args, 0, all, KAFKA.length, args.length);
        return MrmctlRun.of(all);
    }

    @Test
    void aRegionThatIsNoRegionNameIsRefusedNamingTheOption() {
        MrmctlRun run = run("failover", "--yes", "orders", "--to", "US_10", "--reason", "drill");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err())
                .contains("--to 'US_10' is not valid")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingReasonIsRefused() {
        MrmctlRun run = run("freeze", "orders");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("Missing required option: '--reason");
    }

    @Test
    void aBlankReasonIsRefusedNamingTheOption() {
        MrmctlRun run = run("abort", "orders", "d-1", "--reason", "  ");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--reason must not be blank");
    }

    @Test
    void anUnknownCommandIsRefusedWithSuggestions() {
        MrmctlRun run = run("failovr", "orders");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("Unmatched argument").contains("failovr").contains("failover");
    }

    @Test
    void anUnknownSafetyRuleIsRefusedListingTheKnownOnes() {
        MrmctlRun run = run("failover", "--yes", "orders", "--to", "us10", "--override", "EVERYTHING", "--reason", "x");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--override").contains("STANDBY_HEALTHY");
    }

    @Test
    void anInvalidApplicationIdIsRefusedNamingTheParameter() {
        MrmctlRun run = run("status", "Orders!");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("APP 'Orders!' is not valid");
    }

    @Test
    void anInvalidOperatorIsRefused() {
        MrmctlRun run = MrmctlRun.of(
                "--bootstrap-servers",
                "192.0.2.1:9092",
                "--operator",
                "alice smith",
                "freeze",
                "orders",
                "--reason",
                "x");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--operator 'alice smith' is not valid");
    }

    @Test
    void aStepNumberBelowOneIsRefused() {
        MrmctlRun run = run("skip", "orders", "d-1", "0", "--reason", "x");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("STEP must be >= 1").contains("Try 'mrmctl skip --help'");
    }

    @Test
    void aTimeoutThatIsNoDurationIsRefused() {
        MrmctlRun run = MrmctlRun.of("--timeout", "soon", "status");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("'soon' is not a duration");
    }

    @Test
    void optionsMayFollowTheCommand() {
        MrmctlRun run = MrmctlRun.of(
                "freeze", "orders", "--reason", "x", "--operator", "bad op", "--bootstrap-servers", "192.0.2.1:9092");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--operator 'bad op' is not valid");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        MrmctlRun run = MrmctlRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("Exit codes:")
                .contains("2   rejected")
                .contains("3   timed out")
                .contains("1   error");
    }

    @Test
    void kafkaThatDoesNotAnswerIsAnErrorWithinTheTimeout() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();
        MrmctlRun run = MrmctlRun.of("--bootstrap-servers", "127.0.0.1:" + closedPort, "--timeout", "2s", "status");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("127.0.0.1:" + closedPort).doesNotContain("\tat ");
        // a --timeout that were not applied would leave mrmctl's default of 60 s (as would the Kafka client's own
        // default.api.timeout.ms): 30 s tells them apart and leaves a busy machine room beyond the 2 s asked for
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(30_000);
    }

    @Test
    void inJsonModeAnErrorIsAlsoOneJsonObject() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MrmctlRun run = MrmctlRun.of(
                "--bootstrap-servers", "127.0.0.1:" + closedPort, "--timeout", "1s", "--output", "json", "status");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        var json = io.mrm.events.codec.EventJson.mapper().readTree(run.out());
        assertThat(json.get("command").asText()).isEqualTo("status");
        assertThat(json.get("result").asText()).isEqualTo("error");
        assertThat(json.get("error").asText()).contains("127.0.0.1:" + closedPort);
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
    }
}
