package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.codec.EventJson;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.operator.RequestSigning;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mrmctl's contexts, without a broker: which context applies, and that what the command line says wins over
 * it. Offline signing ({@code sign --cluster-id}) shows the topic, operator and key a command would use.
 */
class MrmctlContextsTest {

    static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path dir;

    Path config;
    int closedA;
    int closedB;

    @BeforeEach
    void twoContextsAndThreeOperators() throws Exception {
        for (String who : new String[] {"alice", "bob", "carol"}) {
            MrmctlRun made = MrmctlRun.of(
                    "--operator",
                    who + "@example.com",
                    "keygen",
                    "--out",
                    dir.resolve(who + ".key").toString());
            assertThat(made.exitCode()).as(made.toString()).isZero();
        }
        closedA = closedPort();
        closedB = closedPort();
        config = write("config.yaml", """
                current-context: staging
                contexts:
                  - name: staging
                    bootstrap-servers: 127.0.0.1:%d
                    topic-prefix: stg.
                    operator: alice@example.com
                    key: alice.key
                  - name: production
                    bootstrap-servers: 127.0.0.1:%d
                    topic-prefix: prd.
                    client-properties: {request.timeout.ms: 1000}
                    operator: carol@example.com
                    key: carol.key
                """.formatted(closedA, closedB));
    }

    @Test
    void theCurrentContextSaysWhereAndAsWhom() throws Exception {
        JsonNode signed = sign(MrmctlRun.of(
                "--config",
                config.toString(),
                "--output",
                "json",
                "sign",
                "--cluster-id",
                CLUSTER,
                "--out",
                dir.resolve("req").toString(),
                "freeze",
                "orders",
                "--reason",
                "CHG-1"));

        assertThat(signed.get("topic").asText()).isEqualTo("stg.operator.requests");
        assertThat(signed.get("operator").asText()).isEqualTo("alice@example.com");
        assertThat(verifiesWith("alice")).isTrue();
    }

    @Test
    void optionsOnTheCommandLineWinOverTheContext() throws Exception {
        JsonNode signed = sign(MrmctlRun.of(
                "--config",
                config.toString(),
                "--output",
                "json",
                "--operator",
                "bob@example.com",
                "--key",
                dir.resolve("bob.key").toString(),
                "--topic-prefix",
                "cli.",
                "sign",
                "--cluster-id",
                CLUSTER,
                "--out",
                dir.resolve("req").toString(),
                "freeze",
                "orders",
                "--reason",
                "CHG-1"));

        assertThat(signed.get("topic").asText()).isEqualTo("cli.operator.requests");
        assertThat(signed.get("operator").asText()).isEqualTo("bob@example.com");
        assertThat(verifiesWith("bob")).isTrue();
        assertThat(verifiesWith("alice")).isFalse();
    }

    @Test
    void contextPicksAnotherThanTheCurrentOne() throws Exception {
        JsonNode signed = sign(MrmctlRun.of(
                "--config",
                config.toString(),
                "--context",
                "production",
                "--output",
                "json",
                "sign",
                "--cluster-id",
                CLUSTER,
                "--out",
                dir.resolve("req").toString(),
                "freeze",
                "orders",
                "--reason",
                "CHG-1"));

        assertThat(signed.get("topic").asText()).isEqualTo("prd.operator.requests");
        assertThat(signed.get("operator").asText()).isEqualTo("carol@example.com");
        assertThat(verifiesWith("carol")).isTrue();
    }

    @Test
    void theFileInTheConfigFolderAppliesWithoutBeingNamed() throws Exception {
        JsonNode signed = sign(MrmctlRun.withDefaultConfig(
                config,
                "--output",
                "json",
                "sign",
                "--cluster-id",
                CLUSTER,
                "--out",
                dir.resolve("req").toString(),
                "freeze",
                "orders",
                "--reason",
                "CHG-1"));

        assertThat(signed.get("topic").asText()).isEqualTo("stg.operator.requests");
        MrmctlRun none = MrmctlRun.withDefaultConfig(
                dir.resolve("absent.yaml"),
                "--operator",
                "bob@example.com",
                "--key",
                dir.resolve("bob.key").toString(),
                "sign",
                "--cluster-id",
                CLUSTER,
                "--out",
                dir.resolve("req2").toString(),
                "freeze",
                "orders",
                "--reason",
                "CHG-1");
        assertThat(none.exitCode())
                .as("no file there: nothing applies, nothing fails")
                .as(none.toString())
                .isZero();
    }

    @Test
    void bootstrapServersComeFromTheContextUnlessGiven() {
        MrmctlRun fromContext = MrmctlRun.of("--config", config.toString(), "--timeout", "1s", "status");
        MrmctlRun given = MrmctlRun.of(
                "--config",
                config.toString(),
                "--bootstrap-servers",
                "127.0.0.1:" + closedB,
                "--timeout",
                "1s",
                "status");

        assertThat(fromContext.exitCode()).isEqualTo(1);
        assertThat(fromContext.err()).contains("127.0.0.1:" + closedA);
        assertThat(given.exitCode()).isEqualTo(1);
        assertThat(given.err()).contains("127.0.0.1:" + closedB).doesNotContain("127.0.0.1:" + closedA);
    }

    @Test
    void anUnknownContextIsRefusedNamingTheOnesThereAre() {
        MrmctlRun run = MrmctlRun.of("--config", config.toString(), "--context", "prodution", "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("--context 'prodution' is no context of " + config
                        + " (it has staging, production); did you mean production?");
    }

    @Test
    void aContextWithoutAFileOrAFileThatIsNotThereIsAnError() {
        MrmctlRun noFile = MrmctlRun.of("--context", "staging", "status");
        MrmctlRun missing = MrmctlRun.of("--config", dir.resolve("nope.yaml").toString(), "status");

        assertThat(noFile.exitCode()).isEqualTo(1);
        assertThat(noFile.err()).contains("--context staging: there is no contexts file");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.yaml: no such file");
    }

    @Test
    void aBrokenFileStopsEveryCommandSayingWhatIsWrong() throws Exception {
        Path broken = write("broken.yaml", "contexts:\n  - {name: a, bootstrap-servers: \"k:1\", opertor: alice}\n");

        MrmctlRun run =
                MrmctlRun.of("--config", broken.toString(), "--bootstrap-servers", "127.0.0.1:" + closedA, "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("contexts[0].opertor is not a setting; did you mean contexts[0].operator?");
        MrmctlRun help = MrmctlRun.withDefaultConfig(broken, "--help");
        assertThat(help.exitCode()).as("help answers whatever the file says").isZero();
        assertThat(MrmctlRun.withDefaultConfig(broken, "help", "freeze").exitCode())
                .isZero();
    }

    @Test
    void aContextsKeyThatOthersMayReadIsRefusedAsTheContextsKey() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("alice.key"), PosixFilePermissions.fromString("rw-r--r--"));

        MrmctlRun run = MrmctlRun.of(
                "--config",
                config.toString(),
                "sign",
                "--cluster-id",
                CLUSTER,
                "--out",
                dir.resolve("req").toString(),
                "freeze",
                "orders",
                "--reason",
                "CHG-1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("context staging: key " + dir.resolve("alice.key") + " is accessible to others");
    }

    @Test
    void configListsSwitchesAndShowsTheCurrentContext() throws Exception {
        MrmctlRun list = MrmctlRun.of("--config", config.toString(), "config", "get-contexts");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out().lines().toList()).hasSize(3);
        assertThat(list.out().lines().toList().get(0))
                .startsWith("CURRENT")
                .contains("NAME")
                .contains("BOOTSTRAP-SERVERS");
        assertThat(list.out())
                .containsPattern("\\*\\s+staging\\s+127\\.0\\.0\\.1:" + closedA + "\\s+stg\\.\\s+alice@")
                .containsPattern("\\n\\s+production\\s+127\\.0\\.0\\.1:" + closedB);

        MrmctlRun use = MrmctlRun.of("--config", config.toString(), "config", "use-context", "production");
        assertThat(use.exitCode()).as(use.toString()).isZero();
        assertThat(use.out()).contains("switched to context \"production\"");
        MrmctlRun current = MrmctlRun.of("--config", config.toString(), "config", "current-context");
        assertThat(current.out().strip()).isEqualTo("production");

        MrmctlRun json = MrmctlRun.of("--config", config.toString(), "--output", "json", "config", "get-contexts");
        JsonNode listed = EventJson.mapper().readTree(json.out());
        assertThat(listed.get("currentContext").asText()).isEqualTo("production");
        assertThat(listed.get("contexts").get(1).get("current").asBoolean()).isTrue();
        assertThat(listed.get("contexts")
                        .get(1)
                        .get("clientProperties")
                        .get("request.timeout.ms")
                        .asText())
                .isEqualTo("1000");

        MrmctlRun unknown = MrmctlRun.of("--config", config.toString(), "config", "use-context", "qa");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("'qa' is no context of");
    }

    @Test
    void withoutACurrentContextOnlyTheCommandLineCounts() throws Exception {
        Path file = write("none.yaml", "contexts:\n  - {name: a, bootstrap-servers: \"127.0.0.1:" + closedA + "\"}\n");

        MrmctlRun current = MrmctlRun.of("--config", file.toString(), "config", "current-context");
        MrmctlRun status = MrmctlRun.of("--config", file.toString(), "status");

        assertThat(current.exitCode()).isEqualTo(1);
        assertThat(current.err()).contains("current-context is not set in " + file);
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).contains("--bootstrap-servers is required");
    }

    private JsonNode sign(MrmctlRun run) throws Exception {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return EventJson.mapper().readTree(run.out());
    }

    private boolean verifiesWith(String who) throws Exception {
        FreezeRequest request = EventJson.read(Files.readAllBytes(dir.resolve("req.json")), FreezeRequest.class);
        PublicKey key = OperatorKeys.publicKey(Files.readString(dir.resolve(who + ".key.pub")));
        return RequestSigning.verify(request, key, CLUSTER);
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
