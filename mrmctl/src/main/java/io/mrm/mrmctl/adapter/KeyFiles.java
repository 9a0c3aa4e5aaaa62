package io.mrm.mrmctl.adapter;

import io.mrm.events.operator.OperatorKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;

/** Operators' key files: written private (0600) and never overwritten; read with errors that never show the key. */
public final class KeyFiles {

    private KeyFiles() {}

    public static PrivateKey readPrivateKey(Path file) {
        refuseReadableByOthers(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--key: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return OperatorKeys.privateKey(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--key " + file + ": " + e.getMessage());
        }
    }

    /** Private readable by its owner only; refuses to replace an existing key (a lost key locks its owner out). */
    public static void write(KeyPair keys, Path privateFile, Path publicFile) {
        for (Path p : new Path[] {privateFile, publicFile}) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(p + " exists; not overwriting a key (move it away first)");
            }
        }
        try {
            Path dir = privateFile.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            createOwnerOnly(privateFile);
            Files.writeString(privateFile, OperatorKeys.pem(keys.getPrivate()), StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(publicFile, OperatorKeys.pem(keys.getPublic()), StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(e.getFile() + " exists; not overwriting a key");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the key files: " + e.getMessage());
        }
    }

    /** Created 0600 in one step (no moment in which it exists with the umask's wider mode). */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
            file.toFile().setReadable(false, false);
            file.toFile().setReadable(true, true);
        }
    }

    /** As ssh does: a private key others may read is no longer private, and is not used. */
    private static void refuseReadableByOthers(Path file) {
        String mode = OwnerOnlyFiles.openToOthers(file);
        if (mode != null) {
            throw new IllegalArgumentException("--key " + file + " is accessible to others (mode " + mode
                    + "): a private key must be readable by its owner only; chmod 600 " + file);
        }
    }
}
