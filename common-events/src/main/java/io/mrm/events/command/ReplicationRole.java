package io.mrm.events.command;

/** Solace Message VPN replication role. */
public enum ReplicationRole {
    ACTIVE,
    STANDBY
}
