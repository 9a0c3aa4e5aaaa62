package io.mrm.chaos.domain;

import java.util.Set;

/**
 * What the backends hold at one moment, read from them (not from MRM's topics).
 *
 * @param dnsRegion         the region the application's name points at (null if it answered nothing)
 * @param writableDatabases regions whose database takes the application's writes
 * @param activeEventVpns   regions whose event broker's VPN is the active replication site
 */
public record BackendState(String dnsRegion, Set<String> writableDatabases, Set<String> activeEventVpns) {

    public BackendState {
        writableDatabases = Set.copyOf(writableDatabases);
        activeEventVpns = Set.copyOf(activeEventVpns);
    }
}
