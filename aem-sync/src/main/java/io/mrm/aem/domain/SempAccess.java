package io.mrm.aem.domain;

import java.util.Set;

/**
 * What the broker reports of its SEMP user's access levels (SEMP v2 monitor {@code about/user}); null where
 * it reported none.
 *
 * @param globalLevel {@code none}, {@code read-only}, {@code read-write} or {@code admin}
 * @param vpnLevel    on the Message VPN: {@code none}, {@code read-only} or {@code read-write}
 */
public record SempAccess(String globalLevel, String vpnLevel) {

    private static final Set<String> GLOBAL_WRITERS = Set.of("read-write", "admin");

    /**
     * The SEMP v2 config reference lets only a {@code global/read-write} client include {@code replicationRole}
     * in "Update a Message VPN object".
     */
    public boolean mayChangeRole() {
        return globalLevel != null && GLOBAL_WRITERS.contains(globalLevel);
    }

    /** Creating and deleting the fence-mark queues needs {@code vpn/read-write}. */
    public boolean mayWriteQueues() {
        return mayChangeRole() || "read-write".equals(vpnLevel);
    }

    public boolean reported() {
        return globalLevel != null || vpnLevel != null;
    }
}
