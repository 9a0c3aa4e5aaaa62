package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.operator.OperatorKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's private key stays private: written owner-only, and not used once others may read it. */
class KeyFilesTest {

    @TempDir
    Path dir;

    @Test
    void aNewPrivateKeyIsOwnerOnlyFromTheStart() throws Exception {
        Path key = dir.resolve("alice.key");
        KeyFiles.write(OperatorKeys.generate(), key, dir.resolve("alice.key.pub"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(KeyFiles.readPrivateKey(key)).isNotNull();
    }

    @Test
    void aPrivateKeyOthersMayReadIsRefused() throws Exception {
        Path key = dir.resolve("bob.key");
        KeyFiles.write(OperatorKeys.generate(), key, dir.resolve("bob.key.pub"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> KeyFiles.readPrivateKey(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accessible to others (mode rw-r--r--)")
                .hasMessageContaining("chmod 600")
                .hasMessageNotContaining("PRIVATE KEY");
    }
}
