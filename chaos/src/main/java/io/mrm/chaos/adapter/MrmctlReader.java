package io.mrm.chaos.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.chaos.domain.MrmctlAccount;
import io.mrm.events.codec.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operators' mrmctl, from its built exec jar as an operator would, against the run's brokers:
 * {@code replay APP} and {@code audit APP}, both with {@code --output json}; their output is kept beside the run's logs.
 */
public final class MrmctlReader {

    private MrmctlReader() {}

    /**
     * @param commandConfig the Kafka client settings mrmctl logs in with ({@code --command-config}: the viewer's)
     */
    public static MrmctlAccount read(
            Path repository, Path runDir, String bootstrapServers, Path commandConfig, String application)
            throws IOException, InterruptedException {
        Path jar = execJar(repository);
        Run replay = run(jar, runDir, "mrmctl-replay", bootstrapServers, commandConfig, "replay", application);
        Run audit = run(jar, runDir, "mrmctl-audit", bootstrapServers, commandConfig, "audit", application);
        JsonNode replayed = replay.json();
        String summary = "";
        if (replayed.path("divergences").size() > 0) {
            summary = replayed.path("divergences").get(0).toString();
        } else if (replayed.path("warnings").size() > 0) {
            summary = replayed.path("warnings").get(0).asText();
        } else if (replayed.isMissingNode() || replayed.isEmpty()) {
            summary = "no JSON answer, see " + replay.output();
        }
        List<MrmctlAccount.AuditRun> runs = new ArrayList<>();
        for (JsonNode app : audit.json().path("applications")) {
            if (!application.equals(app.path("application").asText())) {
                continue;
            }
            for (JsonNode run : app.path("runs")) {
                runs.add(new MrmctlAccount.AuditRun(
                        run.path("decisionId").asText(),
                        run.path("outcome").asText(),
                        run.path("activeRegion").asText(null)));
            }
        }
        return new MrmctlAccount(
                replay.exitCode(),
                replayed.path("result").asText("no answer"),
                replayed.path("decisions").asInt(-1),
                summary,
                audit.exitCode(),
                runs);
    }

    private record Run(int exitCode, Path output) {
        JsonNode json() throws IOException {
            String text = Files.readString(output, StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) {
                return EventJson.mapper().missingNode();
            }
            try {
                return EventJson.mapper().readTree(text);
            } catch (IOException e) {
                return EventJson.mapper().missingNode();
            }
        }
    }

    private static Run run(
            Path jar, Path runDir, String name, String bootstrapServers, Path commandConfig, String... command)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--bootstrap-servers",
                bootstrapServers,
                "--command-config",
                commandConfig.toString(),
                "--output",
                "json",
                "--timeout",
                "120s"));
        args.addAll(List.of(command));
        Path output = runDir.resolve(name + ".json");
        Process process = new ProcessBuilder(args)
                .redirectOutput(output.toFile())
                .redirectError(runDir.resolve(name + ".err").toFile())
                .start();
        if (!process.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            return new Run(-1, output);
        }
        return new Run(process.exitValue(), output);
    }

    private static Path execJar(Path repository) throws IOException {
        Path target = repository.resolve("mrmctl").resolve("target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "mrmctl-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // reported below
        }
        throw new IllegalStateException(
                "no mrmctl exec jar in " + target + ": build it first (./mvnw -B install " + "-DskipTests)");
    }
}
