package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mrmctl reaches a secured cluster with a Kafka client properties file, as Kafka's own tools do. */
class KafkaConnectionTest {

    @TempDir
    Path dir;

    private Path file(String text, String mode) throws Exception {
        Path file = Files.createFile(
                dir.resolve("client-" + System.nanoTime() + ".properties"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theFilesSecuritySettingsGoToEveryClientAndNeverIntoItsName() throws Exception {
        KafkaConnection c = KafkaConnection.withCommandConfig("kafka-1:9093", file("""
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="ops" password="s3cret";
                ssl.truststore.location=/etc/mrm/ca.p12
                """, "rw-------"));

        assertThat(c.properties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "kafka-1:9093");
        assertThat(c.toString()).isEqualTo("kafka-1:9093").doesNotContain("s3cret");
    }

    @Test
    void aFileOthersMayReadIsRefusedItMayHoldAPassword() throws Exception {
        Path open = file("security.protocol=SASL_SSL\n", "rw-r--r--");
        assertThatThrownBy(() -> KafkaConnection.withCommandConfig("k:9093", open))
                .hasMessageContaining("readable by others")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aContextsFileAndInlineSettingsAddUpAndNeitherSilentlyWins() throws Exception {
        Path secrets =
                file("sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=x required password=\"s3cret\";\n", "rw-------");

        KafkaConnection c = KafkaConnection.of(
                "k:9093",
                secrets,
                "context prod: command-config",
                java.util.Map.of("security.protocol", "SASL_SSL"),
                "context prod: client-properties");

        assertThat(c.properties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKey("sasl.jaas.config");
        assertThatThrownBy(() -> KafkaConnection.of(
                        "k:9093",
                        secrets,
                        "context prod: command-config",
                        java.util.Map.of("sasl.mechanism", "PLAIN"),
                        "context prod: client-properties"))
                .hasMessageContaining("context prod: client-properties: sasl.mechanism is set in " + secrets + " too");
        assertThatThrownBy(() -> KafkaConnection.of(
                        "k:9093",
                        null,
                        null,
                        java.util.Map.of("ssl.truststore.password", "changeit"),
                        "context prod: client-properties"))
                .hasMessageContaining("ssl.truststore.password holds a secret")
                .hasMessageNotContaining("changeit");
    }

    @Test
    void whatMrmctlSetsItselfAndWhatKafkaDoesNotKnowAreRefused() throws Exception {
        assertThatThrownBy(() -> KafkaConnection.withCommandConfig(
                        "k:9093", file("bootstrap.servers=other:9092\n", "rw-------")))
                .hasMessageContaining("bootstrap.servers is set by mrmctl (use --bootstrap-servers)");
        assertThatThrownBy(() -> KafkaConnection.withCommandConfig(
                        "k:9093", file("isolation.level=read_uncommitted\n", "rw-------")))
                .hasMessageContaining("isolation.level is set by mrmctl");
        assertThatThrownBy(
                        () -> KafkaConnection.withCommandConfig("k:9093", file("securty.protocol=SSL\n", "rw-------")))
                .hasMessageContaining("securty.protocol is not a Kafka client setting");
    }
}
