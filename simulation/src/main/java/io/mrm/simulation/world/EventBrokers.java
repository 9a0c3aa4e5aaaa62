package io.mrm.simulation.world;

import io.mrm.events.command.ReplicationRole;

/**
 * The two regions' event broker VPNs as aem-sync drives them: a role per VPN, and per VPN the fence
 * marks of the epochs that acted on it (kept on the broker, so an actuator restart forgets nothing).
 * A VPN in an unreachable region cannot be read or changed.
 */
public final class EventBrokers {

    private final World world;

    EventBrokers(World world) {
        this.world = world;
    }

    public BackendResult setRole(String regionName, ReplicationRole role, long epoch, long nowMs) {
        Region region = world.region(regionName);
        if (!region.reachable) {
            return BackendResult.retriable(
                    "CONNECTION_REFUSED", "the SEMP endpoint of " + regionName + " does not answer", 0);
        }
        if (region.vpnFence > epoch) {
            return BackendResult.stale(
                    "FENCED_BY_NEWER_EPOCH",
                    "the VPN of " + regionName + " carries the fence of epoch " + region.vpnFence + " > " + epoch,
                    region.vpnFence);
        }
        region.vpnFence = epoch;
        boolean changed = region.vpnRole != role;
        if (changed) {
            region.vpnRole = role;
            world.listener.changed(nowMs);
        }
        return BackendResult.ok(
                (changed ? "set " : "already ") + role.name().toLowerCase(java.util.Locale.ROOT) + " in " + regionName,
                0,
                changed);
    }

    /** Waits for the old site's replication queue: possible only while it can be reached. */
    public BackendResult drain(String from, boolean backlogStuck) {
        if (!world.region(from).reachable) {
            return BackendResult.retriable(
                    "CONNECTION_REFUSED", "the SEMP endpoint of " + from + " does not answer", 0);
        }
        return backlogStuck
                ? BackendResult.retriable("NOT_DRAINED", "messages remain queued in " + from, 0)
                : BackendResult.ok("replication queue of " + from + " is empty", 0, false);
    }

    public BackendResult verify(String regionName) {
        Region region = world.region(regionName);
        if (!region.reachable) {
            return BackendResult.retriable(
                    "CONNECTION_REFUSED", "the SEMP endpoint of " + regionName + " does not answer", 0);
        }
        return region.vpnRole == ReplicationRole.ACTIVE
                ? BackendResult.ok(regionName + " is active", 0, false)
                : BackendResult.retriable("NOT_ACTIVE", regionName + " is not the active replication site", 0);
    }
}
