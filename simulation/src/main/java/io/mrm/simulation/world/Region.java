package io.mrm.simulation.world;

import io.mrm.events.command.ReplicationRole;

/**
 * One region as it really is (the truth the checks compare against): whether its application tier
 * answers, whether anything in it can be reached at all (database and event broker included), and
 * the state of its database and event broker VPN.
 */
public final class Region {

    final String name;
    boolean appUp = true;
    boolean reachable = true;

    DbRole dbRole;
    /** The epoch the database was last promoted, re-protected or fenced under. */
    long dbEpoch;
    /** The decision whose command last promoted this database (null: never promoted by a plan). */
    String promotedBy;

    ReplicationRole vpnRole;
    /** The highest fence mark on this region's VPN (the broker keeps it; actuator restarts do not forget it). */
    long vpnFence;

    Region(String name, boolean primary) {
        this.name = name;
        this.dbRole = primary ? DbRole.PRIMARY : DbRole.REPLICA;
        this.vpnRole = primary ? ReplicationRole.ACTIVE : ReplicationRole.STANDBY;
    }

    public String name() {
        return name;
    }

    /** The application tier answers probes (and anything at all in the region can be reached). */
    public boolean appUp() {
        return appUp && reachable;
    }

    /** The database and event broker of the region can be reached. */
    public boolean reachable() {
        return reachable;
    }

    public DbRole dbRole() {
        return dbRole;
    }

    public long dbEpoch() {
        return dbEpoch;
    }

    public String promotedBy() {
        return promotedBy;
    }

    public ReplicationRole vpnRole() {
        return vpnRole;
    }

    public long vpnFence() {
        return vpnFence;
    }

    @Override
    public String toString() {
        return name + "[app " + (appUp() ? "up" : "down") + (reachable ? "" : ", unreachable") + ", db " + dbRole
                + "@" + dbEpoch + (promotedBy == null ? "" : " by " + shortId(promotedBy)) + ", vpn " + vpnRole
                + " fence " + vpnFence + "]";
    }

    static String shortId(String id) {
        return id == null ? "-" : id.length() <= 8 ? id : id.substring(0, 8);
    }
}
