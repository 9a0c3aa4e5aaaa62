package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mrmctl replay's usage errors: each is exit 1 with one line naming the option, before Kafka is contacted. */
class ReplayCommandParsingTest {

    static MrmctlRun replay(String... args) {
        String[] all = new String[5 + args.length];
        System.arraycopy(
                new String[] {"--bootstrap-servers", "localhost:1", "--timeout", "2s", "replay"}, 0, all, 0, 5);
        System.arraycopy(args, 0, all, 5, args.length);
        return MrmctlRun.of(all);
    }

    @Test
    void printPolicyNeedsAnApplication() {
        MrmctlRun run = replay("--print-policy");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--print-policy needs APP");
    }

    @Test
    void aTimeIsAnInstantOrADurationAgo() {
        MrmctlRun run = replay("--from", "yesterday");

        assertThat(run.exitCode()).isEqualTo(1);
        // the same words as audit's: both read times through TimeArgument
        assertThat(run.err()).contains("--from 'yesterday' is not a time");
    }

    @Test
    void aBadPolicyFileIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(
                file, "applications:\n  - {id: orders, primary-region: eu10, standby-region: us10, " + "quorom: 3}\n");

        MrmctlRun typo = replay("orders", "--policy", file.toString());
        MrmctlRun missing =
                replay("orders", "--policy", dir.resolve("none.yaml").toString());

        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err())
                .contains("--policy: ")
                .contains(
                        "mrm.decision.applications[0].quorom is not a setting; did you mean mrm.decision.applications[0].quorum?");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read policy file");
    }

    @Test
    void theTickMustBePositive() {
        MrmctlRun run = replay("--tick", "0s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("must be a positive duration");
    }

    @Test
    void anUnreachableKafkaIsExitOne() {
        MrmctlRun run = replay();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("mrmctl: ");
    }
}
