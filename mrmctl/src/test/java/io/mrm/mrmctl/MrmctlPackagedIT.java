package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventJson;
import io.mrm.events.decision.Alert;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.testsupport.TopicRecorder;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * mrmctl as an operator runs it: the packaged jar ({@code java -jar mrmctl-...-exec.jar}) and the repository's
 * {@code mrmctl.sh}, each a process of its own, against a real in-process broker and the real decision engine
 * (the set-up of {@link MrmctlAgainstEngineIT}, with keys made by the jar's own {@code keygen}). The in-JVM tests
 * cannot see what only the artifact decides: its manifest and main class, the classes and libraries repackaged
 * into it, its logging binding, the exit code reaching the shell, and the script's way to the jar.
 *
 * <p>Run by maven-failsafe in the integration-test phase, after {@code package} made the jar (surefire, which
 * runs before it, leaves this class out); {@code ./mvnw verify} at the root or {@code -pl mrmctl verify} runs it.
 * A missing jar fails the test, it never skips: failsafe names the jar in the system property
 * {@value #JAR_PROPERTY} and the script in {@value #SCRIPT_PROPERTY}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MrmctlPackagedIT {

    static final String JAR_PROPERTY = "mrmctl.jar";
    static final String SCRIPT_PROPERTY = "mrmctl.script";
    static final TopicNames NAMES = new TopicNames("jar.");
    /** A process of a busy machine's JVM: starting it is slow, but one that takes this long is stuck. */
    static final Duration PROCESS_BOUND = Duration.ofMinutes(3);

    static Path jar;
    static Path script;
    static Path home;
    static SignedEngine signed;

    @BeforeAll
    static void startEngineWithKeysMadeByTheJar() throws Exception {
        jar = required(JAR_PROPERTY);
        script = required(SCRIPT_PROPERTY);
        // mrmctl.sh runs the jar this build made (it builds one only when it finds none): a version that
        // changes in the pom and not in the script would have it build and run a jar that never exists
        assertThat(Files.readString(script))
                .as("the jar %s runs", script)
                .contains("/mrmctl/target/" + jar.getFileName() + "\"");
        assertThat(jar.toAbsolutePath().normalize())
                .isEqualTo(script.toAbsolutePath()
                        .getParent()
                        .resolve("mrmctl/target")
                        .resolve(jar.getFileName())
                        .normalize());
        // an empty home: no operator's ~/.config/mrmctl/config.yaml applies
        home = Files.createTempDirectory("mrmctl-home");
        signed = SignedEngine.start(
                NAMES,
                "jar-engine",
                (operator, key, roles) -> {
                    List<String> args = new ArrayList<>(
                            List.of("--operator", operator, "keygen", "--out", key.toString(), "--role"));
                    args.addAll(roles);
                    Run made = java(Map.of(), args.toArray(String[]::new));
                    assertThat(made.exitCode()).as(made.toString()).isZero();
                    assertThat(made.out()).contains("public-key: ");
                },
                List.of());
    }

    @AfterAll
    static void stop() {
        if (signed != null) {
            signed.close();
        }
    }

    private static Path required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            fail("system property " + property + " is not set: this test runs under maven-failsafe after package "
                    + "(./mvnw verify), which sets it");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            fail(property + "=" + path
                    + " does not exist: run it through `./mvnw verify` (the jar is made by package)");
        }
        return path;
    }

    @Test
    @Order(1)
    void helpThroughTheScriptAndTheJar() throws Exception {
        Run viaScript = script(Map.of(), "--help");
        assertThat(viaScript.exitCode()).as(viaScript.toString()).isZero();
        assertThat(viaScript.out())
                .startsWith("Usage: mrmctl ")
                .contains("Exit codes:")
                .contains("2   rejected by the decision engine")
                .contains("failover")
                .contains("audit");
        assertThat(viaScript.err())
                .as("the script built nothing and nothing was logged")
                .isEmpty();

        Run viaJar = java(Map.of(), "--help");
        assertThat(viaJar.exitCode()).as(viaJar.toString()).isZero();
        assertThat(viaJar.out()).isEqualTo(viaScript.out());

        Run commandHelp = java(Map.of(), "help", "failover");
        assertThat(commandHelp.exitCode()).as(commandHelp.toString()).isZero();
        assertThat(commandHelp.out()).startsWith("Usage: mrmctl failover ").contains("--to=REGION");
    }

    @Test
    @Order(2) // before any request: the engine has seen nothing yet
    void statusAsTheReadmeShowsIt() throws Exception {
        // MRM_KAFKA_BOOTSTRAP_SERVERS=... MRM_OPERATOR=alice ./mrmctl.sh status
        Run status = script(
                Map.of(
                        "MRM_KAFKA_BOOTSTRAP_SERVERS",
                        signed.kafka.bootstrapServers(),
                        "MRM_OPERATOR",
                        "alice@example.com"),
                here("status"));
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).isEqualTo("no applications on the topology topic yet\n");
        assertThat(status.err())
                .as("no logging binding warning or log line from the jar")
                .isEmpty();
    }

    @Test
    @Order(3)
    void aSignedFailoverIsHeardByTheEngineAndASecondOneIsRejected() throws Exception {
        try (TopicRecorder recorder =
                new TopicRecorder(signed.kafka.bootstrapServers(), NAMES, List.of(Topics.OPERATOR_REQUESTS))) {
            // when alice asks through the jar, signing with her key, for a JSON answer
            Run failover = java(
                    asAlice(),
                    here(
                            "--output",
                            "json",
                            "failover",
                            "--yes",
                            "orders",
                            "--to",
                            "us10",
                            "--override",
                            "STANDBY_HEALTHY",
                            "--reason",
                            "drill through the jar"));

            // then the engine accepted it, the exit code says so, and the request on the topic is hers, signed
            assertThat(failover.exitCode()).as(failover.toString()).isZero();
            JsonNode answer = EventJson.mapper().readTree(failover.out());
            assertThat(answer.get("command").asText()).isEqualTo("failover");
            assertThat(answer.get("result").asText()).isEqualTo("accepted");
            assertThat(answer.get("clusterId").asText()).isEqualTo(signed.clusterId());
            String decisionId = answer.get("decisionId").asText();
            ManualFailoverRequest heard = recorder.await(
                    ManualFailoverRequest.class,
                    r -> r.id().equals(answer.get("requestId").asText()),
                    Duration.ofSeconds(30));
            assertThat(heard.operator()).isEqualTo("alice@example.com");
            assertThat(heard.signature()).as("signed with alice's key").isNotNull();
            assertThat(heard.signature().clusterId()).isEqualTo(signed.clusterId());
            assertThat(heard.overrideRules()).containsExactly(SafetyRule.STANDBY_HEALTHY);

            // status through the script shows the switch under way (no actuator runs here)
            Run status = script(asAlice(), here("status", "orders"));
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out())
                    .contains("orders")
                    .contains("phase SWITCHING")
                    .contains(decisionId);

            // a second failover while the first one's plan runs: the engine rejects it, exit 2 and its reason
            Run again = script(asAlice(), here("failover", "--yes", "orders", "--to", "us10", "--reason", "again"));
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
            assertThat(again.out()).startsWith("rejected: a decision is SWITCHING");
        }
    }

    @Test
    @Order(4)
    void refusedAndInvalidInputEndWithItsExitCodeAndOneLine() throws Exception {
        // bad input: exit 1, one line naming the option and a pointer to the command's help, nothing sent
        Run badRegion = script(asAlice(), here("failover", "--yes", "orders", "--to", "US_10", "--reason", "drill"));
        assertThat(badRegion.exitCode()).as(badRegion.toString()).isEqualTo(1);
        assertThat(badRegion.out()).isEmpty();
        assertThat(badRegion.err())
                .contains("mrmctl: --to 'US_10' is not valid")
                .contains("Try 'mrmctl failover --help'.")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");

        Run unknown = java(asAlice(), here("failovr", "orders"));
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unmatched argument").contains("failover");

        // refused by the engine: victor is a viewer; exit 2 with the engine's reason, and an alert
        try (TopicRecorder recorder =
                new TopicRecorder(signed.kafka.bootstrapServers(), NAMES, List.of(Topics.DECISIONS))) {
            Map<String, String> victor = Map.of(
                    "MRM_KAFKA_BOOTSTRAP_SERVERS",
                    signed.kafka.bootstrapServers(),
                    "MRM_OPERATOR",
                    "victor@example.com",
                    "MRM_OPERATOR_KEY_FILE",
                    signed.key("victor@example.com").toString());
            Run viewer = java(victor, here("freeze", "payments", "--reason", "not mine to ask"));
            assertThat(viewer.exitCode()).as(viewer.toString()).isEqualTo(2);
            assertThat(viewer.out()).startsWith("rejected: ").contains("has roles [viewer]");
            recorder.await(Alert.class, a -> a.code().equals("REQUEST_NOT_PERMITTED"), Duration.ofSeconds(30));
        }
    }

    /** Alice's settings as an operator's shell has them. */
    private static Map<String, String> asAlice() {
        return Map.of(
                "MRM_KAFKA_BOOTSTRAP_SERVERS",
                signed.kafka.bootstrapServers(),
                "MRM_OPERATOR",
                "alice@example.com",
                "MRM_OPERATOR_KEY_FILE",
                signed.key("alice@example.com").toString());
    }

    /** This test's topic prefix and a generous --timeout, then the arguments. */
    private static String[] here(String... args) {
        List<String> all = new ArrayList<>(List.of("--topic-prefix", NAMES.prefix(), "--timeout", "60s"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** What one process printed and how it ended. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** {@code java -jar mrmctl-...-exec.jar ARGS}, with the Java that runs this test. */
    static Run java(Map<String, String> env, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(javaHome().resolve("bin/java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    /** {@code ./mrmctl.sh ARGS} from the repository's root, as the README shows it. */
    static Run script(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(script.getParent().toFile());
        Map<String, String> environment = builder.environment();
        // only what this test gives: not the settings of whoever runs the build
        environment
                .keySet()
                .removeIf(name -> name.startsWith("MRM_")
                        || name.startsWith("MRMCTL_")
                        || name.equals("XDG_CONFIG_HOME")
                        || name.equals("JAVA_TOOL_OPTIONS")
                        || name.equals("JDK_JAVA_OPTIONS"));
        environment.putAll(env);
        environment.put("HOME", home.toString());
        // the script runs `java` from PATH: the one running this test, whatever else is installed
        environment.put("PATH", javaHome().resolve("bin") + File.pathSeparator + environment.getOrDefault("PATH", ""));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(PROCESS_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            fail(command + " did not end within " + PROCESS_BOUND + ":\n" + Files.readString(out)
                    + Files.readString(err));
        }
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
