package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.codec.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every subcommand answers --help (before its required parameters are checked); usage errors speak JSON when asked. */
class MrmctlHelpTest {

    /** Every command path of mrmctl, e.g. ["failover"], ["config", "use-context"]. */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(Mrmctl.commandLine(new Mrmctl(java.time.Instant::now, null)), new ArrayList<>(), all);
        return all.stream();
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> all) {
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            all.add(sub);
            collect(e.getValue(), sub, all);
        }
    }

    @ParameterizedTest(name = "mrmctl {0} --help")
    @MethodSource("commands")
    void everySubcommandAnswersHelpWithItsUsageAndExitsZero(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");

        MrmctlRun run = MrmctlRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as(run.toString()).contains("Usage: mrmctl " + String.join(" ", command));
        assertThat(run.err()).as(run.toString()).isEmpty();
    }

    /** Every command but picocli's completion generator, which takes whatever follows it. */
    static Stream<List<String>> commandsWithOptions() {
        return commands().filter(c -> !c.equals(List.of("generate-completion")));
    }

    @ParameterizedTest(name = "mrmctl --output json {0} (missing its parameters)")
    @MethodSource("commandsWithOptions")
    void aUsageErrorUnderOutputJsonIsOneJsonObject(List<String> command) throws Exception {
        List<String> args = new ArrayList<>(List.of("--output", "json"));
        args.addAll(command);
        args.add("--no-such-option");

        MrmctlRun run = MrmctlRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        JsonNode json = EventJson.mapper().readTree(run.out());
        assertThat(json.path("result").asText()).as(run.toString()).isEqualTo("usage-error");
        assertThat(json.path("error").asText()).isNotBlank();
        assertThat(json.path("exitCode").asInt()).isEqualTo(1);
        assertThat(run.err()).contains("mrmctl: ");
    }

    @org.junit.jupiter.api.Test
    void generateCompletionPrintsABashCompletionScriptForEveryCommand() {
        MrmctlRun run = MrmctlRun.of("generate-completion");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("complete -F")
                .contains("failover")
                .contains("readiness")
                .contains("drill");
    }
}
