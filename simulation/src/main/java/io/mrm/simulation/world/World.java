package io.mrm.simulation.world;

import io.mrm.events.command.ReplicationRole;
import java.util.List;

/**
 * The simulated world: two regions (application tier, database, event broker VPN) and DNS. It is
 * the truth the checks compare the engine's claims against. Its backends keep their own fencing
 * tokens (the DNS token, the databases' fencing epoch, the VPNs' fence marks), which survive actuator
 * restarts as the real ones do.
 */
public final class World {

    private final Region primary;
    private final Region standby;
    private final DataTier data;
    private final EventBrokers events;
    private final Dns dns;
    WorldListener listener = WorldListener.NONE;

    public World(String primaryRegion, String standbyRegion, long dnsPropagationMs) {
        primary = new Region(primaryRegion, true);
        standby = new Region(standbyRegion, false);
        data = new DataTier(this);
        events = new EventBrokers(this);
        dns = new Dns(this, primaryRegion, dnsPropagationMs);
    }

    public void listen(WorldListener listener) {
        this.listener = listener;
    }

    public Region region(String name) {
        if (primary.name.equals(name)) {
            return primary;
        }
        if (standby.name.equals(name)) {
            return standby;
        }
        return null;
    }

    public Region other(String name) {
        return primary.name.equals(name) ? standby : primary;
    }

    public List<Region> regions() {
        return List.of(primary, standby);
    }

    public DataTier data() {
        return data;
    }

    public EventBrokers events() {
        return events;
    }

    public Dns dns() {
        return dns;
    }

    // ---- weather ---------------------------------------------------------------------------------

    public void setAppUp(String region, boolean up, long nowMs) {
        region(region).appUp = up;
        listener.changed(nowMs);
    }

    public void setReachable(String region, boolean reachable, long nowMs) {
        region(region).reachable = reachable;
        listener.changed(nowMs);
    }

    // ---- truth -----------------------------------------------------------------------------------

    /** Regions whose database takes the application's writes. */
    public int writableDatabases() {
        return (primary.dbRole == DbRole.PRIMARY ? 1 : 0) + (standby.dbRole == DbRole.PRIMARY ? 1 : 0);
    }

    /** Regions whose event broker is the active replication site. */
    public int activeBrokers() {
        return (primary.vpnRole == ReplicationRole.ACTIVE ? 1 : 0)
                + (standby.vpnRole == ReplicationRole.ACTIVE ? 1 : 0);
    }

    public boolean allReachable() {
        return primary.reachable && standby.reachable;
    }

    @Override
    public String toString() {
        return "world " + primary + " " + standby + " dns->" + dns.region() + "@" + dns.epoch() + " data primary "
                + data.primary() + " (fencing epoch " + data.fencingEpoch() + ", replicating "
                + data.replicationDescription() + ")";
    }
}
