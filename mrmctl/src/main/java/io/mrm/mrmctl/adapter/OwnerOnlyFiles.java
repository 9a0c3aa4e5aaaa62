package io.mrm.mrmctl.adapter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Files that hold a secret (a private key, a client password) are used only while others cannot read them. */
final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private OwnerOnlyFiles() {}

    /**
     * The file's mode (e.g. {@code rw-r--r--}) when its group or others may read or write it, else null —
     * also when the file system has no POSIX modes or the file is missing (reading it then says so).
     */
    static String openToOthers(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            return mode.stream().anyMatch(OTHERS::contains) ? PosixFilePermissions.toString(mode) : null;
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }
}
