package io.mrm.simulation.world;

/**
 * The application's two databases and the replication between them, as hana-sync's backends behave
 * (its in-memory backend is the model): one fencing epoch kept by the backend (a command below it is
 * refused as stale whatever the actuator remembers), a primary, a replication direction.
 *
 * <p>A promote fences the old primary only if it can reach it: a forced failover away from an
 * unreachable region leaves that region's database writable until a DATA_FENCE reaches it. A fence
 * refuses the current primary (it would close the only writable database).
 */
public final class DataTier {

    private final World world;
    private String primary;
    private long fencingEpoch;
    private String replicatingFrom;
    private String replicatingTo;
    /** Until then a drain finds a backlog it cannot apply in time. */
    private long stalledUntilMs = -1;

    DataTier(World world) {
        this.world = world;
        this.primary = world.regions().get(0).name;
        this.replicatingFrom = primary;
        this.replicatingTo = world.regions().get(1).name;
    }

    public String primary() {
        return primary;
    }

    public long fencingEpoch() {
        return fencingEpoch;
    }

    String replicationDescription() {
        return replicatingFrom == null ? "none" : replicatingFrom + "->" + replicatingTo;
    }

    public void stallUntil(long untilMs) {
        stalledUntilMs = untilMs;
    }

    public BackendResult drain(String from, String to, long epoch, long nowMs) {
        if (to.equals(primary)) {
            return BackendResult.ok(to + " is already the primary", fencingEpoch, false);
        }
        String unreachable = unreachable(from, to);
        if (unreachable != null) {
            return BackendResult.retriable("UNREACHABLE", unreachable + "'s database does not answer", fencingEpoch);
        }
        if (fencingEpoch > epoch) {
            return stale(epoch);
        }
        if (!from.equals(replicatingFrom) || !to.equals(replicatingTo)) {
            return BackendResult.retriable("NOT_REPLICATING", "nothing replicates " + from + "->" + to, fencingEpoch);
        }
        if (nowMs < stalledUntilMs) {
            return BackendResult.retriable(
                    "DRAIN_TIMEOUT", "backlog still to apply when the deadline came near", fencingEpoch);
        }
        return BackendResult.ok(to + " applied everything " + from + " had committed", fencingEpoch, false);
    }

    public BackendResult promote(String regionName, long epoch, String decisionId, long nowMs) {
        Region region = world.region(regionName);
        if (!region.reachable) {
            return BackendResult.retriable("UNREACHABLE", regionName + "'s database does not answer", fencingEpoch);
        }
        if (fencingEpoch > epoch) {
            return stale(epoch);
        }
        if (regionName.equals(primary) && fencingEpoch == epoch && region.dbRole == DbRole.PRIMARY) {
            return BackendResult.ok(regionName + " is already the primary", fencingEpoch, false);
        }
        Region old = world.other(regionName);
        if (old.reachable && old.dbRole == DbRole.PRIMARY) {
            old.dbRole = DbRole.FENCED; // the old primary takes no write once promote has fenced it
            old.dbEpoch = epoch;
        }
        primary = regionName;
        replicatingFrom = null;
        replicatingTo = null;
        region.dbRole = DbRole.PRIMARY;
        region.dbEpoch = epoch;
        region.promotedBy = decisionId;
        fencingEpoch = epoch;
        world.listener.promoted(regionName, epoch, decisionId, nowMs);
        world.listener.changed(nowMs);
        return BackendResult.ok("promoted " + regionName, fencingEpoch, true);
    }

    public BackendResult reprotect(String from, String to, long epoch, long nowMs) {
        String unreachable = unreachable(from, to);
        if (unreachable != null) {
            return BackendResult.retriable("UNREACHABLE", unreachable + "'s database does not answer", fencingEpoch);
        }
        if (fencingEpoch > epoch) {
            return stale(epoch);
        }
        if (from.equals(replicatingFrom) && to.equals(replicatingTo) && fencingEpoch == epoch) {
            return BackendResult.ok("already replicating " + from + "->" + to, fencingEpoch, false);
        }
        if (!from.equals(primary)) {
            return BackendResult.fatal("NOT_PRIMARY", from + " is not the primary (" + primary + " is)", fencingEpoch);
        }
        replicatingFrom = from;
        replicatingTo = to;
        Region target = world.region(to);
        target.dbRole = DbRole.REPLICA; // a replica takes no application writes
        target.dbEpoch = epoch;
        fencingEpoch = epoch;
        world.listener.changed(nowMs);
        return BackendResult.ok("replicating " + from + "->" + to, fencingEpoch, true);
    }

    public BackendResult fence(String regionName, long epoch, long nowMs) {
        Region region = world.region(regionName);
        if (region == null) {
            return BackendResult.fatal("UNKNOWN_REGION", regionName + " is not one of the application's regions", 0);
        }
        if (!region.reachable) {
            return BackendResult.retriable("UNREACHABLE", regionName + "'s database does not answer", fencingEpoch);
        }
        if (fencingEpoch > epoch) {
            return stale(epoch);
        }
        if (region.dbRole != DbRole.PRIMARY && region.dbEpoch == epoch) {
            return BackendResult.ok(regionName + "'s database was already fenced at epoch " + epoch, epoch, false);
        }
        if (region.dbRole == DbRole.PRIMARY && regionName.equals(primary)) {
            return BackendResult.fatal(
                    "IS_PRIMARY",
                    regionName + " is the primary: fencing it would close the only " + "writable database",
                    fencingEpoch);
        }
        if (region.dbRole == DbRole.PRIMARY) {
            region.dbRole = DbRole.FENCED;
        }
        region.dbEpoch = epoch;
        fencingEpoch = epoch;
        world.listener.changed(nowMs);
        return BackendResult.ok("fenced " + regionName + "'s database at epoch " + epoch, epoch, true);
    }

    private BackendResult stale(long epoch) {
        return BackendResult.stale(
                "STALE_EPOCH", "the fencing table holds epoch " + fencingEpoch + " > " + epoch, fencingEpoch);
    }

    private String unreachable(String a, String b) {
        return !world.region(a).reachable ? a : !world.region(b).reachable ? b : null;
    }
}
