package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.mrmctl.adapter.ContextsFile.Contents;
import io.mrm.mrmctl.adapter.ContextsFile.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contexts file is read strictly: what it says is what mrmctl does, and nothing it cannot vouch for. */
class ContextsFileTest {

    @TempDir
    Path dir;

    private Path file(String text, String mode) throws Exception {
        Path file = dir.resolve("config-" + System.nanoTime() + ".yaml");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode)); // exactly, whatever the umask
        return file;
    }

    private Path file(String text) throws Exception {
        return file(text, "rw-------");
    }

    @Test
    void namedContextsWithPathsBesideTheFileOrInTheHome() throws Exception {
        Path file = file("""
                # mrmctl's contexts
                current-context: staging
                contexts:
                  - name: staging
                    bootstrap-servers: kafka-0.staging:9093,kafka-1.staging:9093
                    topic-prefix: stg.
                    command-config: staging.properties
                    operator: alice@example.com
                    key: ~/.mrm/alice.key
                  - name: production
                    bootstrap-servers: kafka-0.prod:9093
                    client-properties:
                      security.protocol: SSL
                      ssl.truststore.type: PEM
                      ssl.truststore.location: /etc/mrm/prod-ca.crt
                      request.timeout.ms: 20000
                """);

        Contents contents = ContextsFile.read(file);

        assertThat(contents.currentContext()).isEqualTo("staging");
        Context staging = contents.context("staging").orElseThrow();
        assertThat(staging.bootstrapServers()).isEqualTo("kafka-0.staging:9093,kafka-1.staging:9093");
        assertThat(staging.topicPrefix()).isEqualTo("stg.");
        assertThat(staging.commandConfig()).isEqualTo(dir.resolve("staging.properties"));
        assertThat(staging.key()).isEqualTo(Path.of(System.getProperty("user.home"), ".mrm", "alice.key"));
        assertThat(staging.operator()).isEqualTo("alice@example.com");
        Context production = contents.context("production").orElseThrow();
        assertThat(production.clientProperties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("request.timeout.ms", "20000")
                .hasSize(4);
        assertThat(production.topicPrefix())
                .as("not set: mrmctl's default applies")
                .isNull();
        assertThat(production.operator()).isNull();
    }

    @Test
    void anEmptyFileHasNoContexts() throws Exception {
        assertThat(ContextsFile.read(file("# nothing yet\n")).contexts()).isEmpty();
    }

    @Test
    void aMisspeltKeyIsAnErrorNamingItAndTheNearestKnownOne() throws Exception {
        assertThatThrownBy(() -> ContextsFile.read(file("curent-context: a\ncontexts: []\n")))
                .hasMessageContaining("curent-context is not a setting; did you mean current-context?");
        assertThatThrownBy(() -> ContextsFile.read(file("""
                contexts:
                  - name: a
                    bootstrap-servers: k:9092
                  - name: b
                    bootstrap-server: k:9092
                """)))
                .hasMessageContaining("contexts[1].bootstrap-server is not a setting; did you mean "
                        + "contexts[1].bootstrap-servers?");
        assertThatThrownBy(() -> ContextsFile.read(file("""
                contexts:
                  - {name: a, bootstrap-servers: "k:9092", key-file: a.key}
                """)))
                .hasMessageContaining("key-file is not a setting; did you mean contexts[0].key?");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sasl.jaas.config",
                "ssl.keystore.password",
                "ssl.truststore.password",
                "ssl.key.password",
                "ssl.keystore.key"
            })
    void aSecretInlineIsRefusedAndTheFileSaysWhereItBelongs(String secret) throws Exception {
        Path file = file("""
                contexts:
                  - name: prod
                    bootstrap-servers: kafka:9093
                    client-properties:
                      security.protocol: SASL_SSL
                      %s: "org.apache.kafka.common.security.scram.ScramLoginModule required password=s3cret;"
                """.formatted(secret));

        assertThatThrownBy(() -> ContextsFile.read(file))
                .hasMessageContaining(
                        "context prod: client-properties: " + secret + " holds a secret and is not " + "taken inline")
                .hasMessageContaining("name that file instead")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void inlineSettingsAreKafkasAndNotMrmctlsOwn() throws Exception {
        assertThatThrownBy(() -> ContextsFile.read(file("""
                contexts:
                  - {name: a, bootstrap-servers: "k:9092", client-properties: {bootstrap.servers: "other:9092"}}
                """)))
                .hasMessageContaining("bootstrap.servers is set by mrmctl (use --bootstrap-servers)");
        assertThatThrownBy(() -> ContextsFile.read(file("""
                contexts:
                  - {name: a, bootstrap-servers: "k:9092", client-properties: {securty.protocol: SSL}}
                """)))
                .hasMessageContaining("securty.protocol is not a Kafka client setting");
        assertThatThrownBy(() -> ContextsFile.read(file("""
                contexts:
                  - {name: a, bootstrap-servers: "k:9092", client-properties: {security.protocol: [SSL, SASL_SSL]}}
                """)))
                .hasMessageContaining("security.protocol must be a value");
    }

    @Test
    void aFileNamingAKeyOrAClientPropertiesFileMustBeTheOwnersAlone() throws Exception {
        String withKey = "contexts:\n  - {name: a, bootstrap-servers: \"k:9092\", key: a.key}\n";
        String withCommandConfig =
                "contexts:\n  - {name: a, bootstrap-servers: \"k:9092\", command-config: c.properties}\n";
        for (String text : List.of(withKey, withCommandConfig)) {
            Path readable = file(text, "rw-r--r--");
            assertThatThrownBy(() -> ContextsFile.read(readable))
                    .hasMessageContaining("is accessible to others (mode rw-r--r--)")
                    .hasMessageContaining("chmod 600 " + readable);
            Path writable = file(text, "rw--w----");
            assertThatThrownBy(() -> ContextsFile.read(writable)).hasMessageContaining("accessible to others");
            assertThat(ContextsFile.read(file(text, "rw-------")).contexts()).hasSize(1);
        }
        // servers and names only: nothing to redirect to someone's key, so others may read it
        assertThat(ContextsFile.read(file("contexts:\n  - {name: a, bootstrap-servers: \"k:9092\"}\n", "rw-r--r--"))
                        .contexts())
                .hasSize(1);
    }

    @Test
    void namesAreUniqueAndServersRequired() throws Exception {
        assertThatThrownBy(() -> ContextsFile.read(file("""
                contexts:
                  - {name: a, bootstrap-servers: "k:9092"}
                  - {name: a, bootstrap-servers: "j:9092"}
                """))).hasMessageContaining("the name a is used twice");
        assertThatThrownBy(() -> ContextsFile.read(file("contexts:\n  - {name: a}\n")))
                .hasMessageContaining("context a: bootstrap-servers is required");
        assertThatThrownBy(() -> ContextsFile.read(file("contexts:\n  - {bootstrap-servers: \"k:9092\"}\n")))
                .hasMessageContaining("contexts[0].name is required");
        assertThatThrownBy(
                        () -> ContextsFile.read(file("contexts:\n  - {name: \"a b\", bootstrap-servers: \"k:1\"}\n")))
                .hasMessageContaining("name 'a b' is not valid");
        assertThatThrownBy(() -> ContextsFile.read(
                        file("contexts:\n  - {name: a, bootstrap-servers: \"k:1\", " + "operator: \"alice smith\"}\n")))
                .hasMessageContaining("context a: operator");
        assertThatThrownBy(() -> ContextsFile.read(file("current-context: a\ncurrent-context: b\n")))
                .hasMessageContaining("Duplicate field 'current-context'");
    }

    @Test
    void useContextRewritesOnlyThatLineAndKeepsCommentsAndMode() throws Exception {
        Path file = file("""
                # operators' contexts; keep this comment
                current-context: staging   # the safe one
                contexts:
                  - name: staging     # staging
                    bootstrap-servers: kafka-0.staging:9093
                  - name: production
                    bootstrap-servers: kafka-0.prod:9093
                """, "rw-------");

        Contents after = ContextsFile.useContext(file, "production");

        assertThat(after.currentContext()).isEqualTo("production");
        assertThat(Files.readString(file)).isEqualTo("""
                # operators' contexts; keep this comment
                current-context: production
                contexts:
                  - name: staging     # staging
                    bootstrap-servers: kafka-0.staging:9093
                  - name: production
                    bootstrap-servers: kafka-0.prod:9093
                """);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith(".config")))
                .isEmpty();
    }

    @Test
    void useContextAddsTheLineWhenThereIsNoneAndRefusesAnUnknownName() throws Exception {
        Path file = file("contexts:\n  - {name: staging, bootstrap-servers: \"k:9092\"}\n");

        assertThatThrownBy(() -> ContextsFile.useContext(file, "stagin"))
                .hasMessageContaining(
                        "context 'stagin' is no context of " + file + " (it has staging); did you mean " + "staging?");
        ContextsFile.useContext(file, "staging");

        assertThat(Files.readString(file)).startsWith("current-context: staging\ncontexts:");
        assertThat(ContextsFile.read(file).currentContext()).isEqualTo("staging");
    }

    @Test
    void aFileNotWrittenOneKeyPerLineIsLeftAsItIs() throws Exception {
        String flow = "{current-context: a, contexts: [{name: a, bootstrap-servers: \"k:1\"}, "
                + "{name: b, bootstrap-servers: \"k:2\"}]}\n";
        Path file = file(flow);

        assertThatThrownBy(() -> ContextsFile.useContext(file, "b"))
                .hasMessageContaining("set current-context: b by hand");
        assertThat(Files.readString(file)).isEqualTo(flow);
    }

    @Test
    void theDefaultLocationIsUnderXdgConfigHomeElseTheHomesDotConfig() {
        assertThat(ContextsFile.defaultLocation(Map.of(), "/home/alice"))
                .isEqualTo(Path.of("/home/alice/.config/mrmctl/config.yaml"));
        assertThat(ContextsFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "/etc/xdg-alice"), "/home/alice"))
                .isEqualTo(Path.of("/etc/xdg-alice/mrmctl/config.yaml"));
        assertThat(ContextsFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "relative"), "/home/alice"))
                .as("the XDG spec ignores a relative path")
                .isEqualTo(Path.of("/home/alice/.config/mrmctl/config.yaml"));
    }
}
