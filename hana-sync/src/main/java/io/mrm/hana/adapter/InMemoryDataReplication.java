package io.mrm.hana.adapter;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.decision.StepAction;
import io.mrm.hana.domain.DataReadiness;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replication backend held in memory, for tests and demonstrations: counts committed-but-unapplied
 * changes, keeps a fencing epoch and refuses lower ones like the real backends, and knows which
 * region's database is fenced. A region can be marked unreachable: a forced promote then leaves it
 * unfenced, a graceful one fails retriably, and fencing it fails retriably, like a database that does
 * not answer.
 */
public final class InMemoryDataReplication implements DataReplication, DataReadiness, AutoCloseable {

    private static final class State {
        String primary;
        String source;
        String target;
        long epoch;
        long pending;
        boolean stalled;
        int changes;
        List<String> regions;
        /** Region → the epoch its database was fenced at. */
        final Map<String, Long> fencedAt = new HashMap<>();

        final Set<String> unreachable = new HashSet<>();
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Starts {@code applicationId} with {@code primary} replicating to {@code standby}. */
    public InMemoryDataReplication replicating(String applicationId, String primary, String standby) {
        State s = new State();
        s.primary = primary;
        s.source = primary;
        s.target = standby;
        s.regions = List.of(primary, standby);
        states.put(applicationId, s);
        return this;
    }

    /** The primary committed {@code count} changes that the standby has not applied yet. */
    public synchronized void commit(String applicationId, long count) {
        state(applicationId).pending += count;
    }

    /** While stalled, drains time out with the backlog they found. */
    public synchronized void stall(String applicationId, boolean stalled) {
        state(applicationId).stalled = stalled;
    }

    /** While unreachable, a region's database is neither fenced by promote nor fenceable. */
    public synchronized void reachable(String applicationId, String region, boolean reachable) {
        if (reachable) {
            state(applicationId).unreachable.remove(region);
        } else {
            state(applicationId).unreachable.add(region);
        }
    }

    /** Whether the region's database refuses the application's writes. */
    public synchronized boolean fenced(String applicationId, String region) {
        return state(applicationId).fencedAt.containsKey(region);
    }

    /** How many times promote, re-protect or fence changed something. */
    public synchronized int changes(String applicationId) {
        return state(applicationId).changes;
    }

    @Override
    public synchronized ReplicationStatus status(String applicationId) {
        State s = state(applicationId);
        return new ReplicationStatus(
                s.primary, s.epoch, s.source, s.target, s.source == null ? -1 : s.pending, Map.of(), Map.of());
    }

    @Override
    public synchronized DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within) {
        State s = state(applicationId);
        if (!s.stalled) {
            s.pending = 0;
        }
        return new DrainResult(s.pending == 0, s.pending, Map.of());
    }

    @Override
    public synchronized ReplicationStatus promote(
            String applicationId, String region, long epoch, boolean forced, Duration within) throws ActuatorFailure {
        State s = state(applicationId);
        if (!s.regions.contains(region)) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_REGION", region + " is not one of " + applicationId + "'s regions " + s.regions);
        }
        fence(s, epoch);
        if (!region.equals(s.primary)) {
            if (s.primary != null && s.unreachable.contains(s.primary) && !forced) {
                throw ActuatorFailure.retriable(
                        "OLD_PRIMARY_UNREACHABLE",
                        "a graceful promote opens nothing " + "until " + s.primary
                                + " is fenced, and it does not answer");
            }
            if (s.primary != null && !s.unreachable.contains(s.primary)) {
                s.fencedAt.put(s.primary, epoch); // the old primary is fenced when it answers
            }
            s.primary = region;
            s.source = null;
            s.target = null;
            s.pending = 0;
            s.changes++;
        }
        s.fencedAt.remove(region);
        s.epoch = epoch;
        return status(applicationId);
    }

    @Override
    public synchronized ReplicationStatus reprotect(
            String applicationId, String fromRegion, String toRegion, long epoch) throws DataStaleEpochException {
        State s = state(applicationId);
        fence(s, epoch);
        if (!fromRegion.equals(s.source) || !toRegion.equals(s.target)) {
            s.source = fromRegion;
            s.target = toRegion;
            s.changes++;
        }
        s.fencedAt.merge(toRegion, epoch, Math::max); // a replica takes no application writes
        s.epoch = epoch;
        return status(applicationId);
    }

    @Override
    public synchronized FenceResult fence(String applicationId, String region, long epoch, Duration within)
            throws ActuatorFailure {
        State s = state(applicationId);
        if (!s.regions.contains(region)) {
            throw FenceFailure.UNKNOWN_REGION.exception(
                    region + " is not one of " + applicationId + "'s regions " + s.regions, null);
        }
        if (s.unreachable.contains(region)) {
            throw FenceFailure.UNREACHABLE.exception(region + "'s database does not answer", null);
        }
        fence(s, epoch);
        Long fencedAt = s.fencedAt.get(region);
        if (fencedAt != null && fencedAt == epoch) {
            return new FenceResult(false, epoch, Map.of("role." + region, "FENCED@" + epoch));
        }
        if (fencedAt == null && region.equals(s.primary)) {
            throw FenceFailure.IS_PRIMARY.exception(
                    region + " is the primary of " + applicationId
                            + ": fencing it would close the only writable database",
                    null);
        }
        s.fencedAt.put(region, epoch);
        s.epoch = epoch;
        s.changes++;
        return new FenceResult(true, epoch, Map.of("role." + region, "FENCED@" + epoch));
    }

    private static void fence(State s, long epoch) throws DataStaleEpochException {
        if (s.epoch > epoch) {
            throw new DataStaleEpochException(s.epoch, epoch);
        }
    }

    private State state(String applicationId) {
        State s = states.get(applicationId);
        if (s == null) {
            throw new IllegalArgumentException("unknown application " + applicationId);
        }
        return s;
    }

    @Override
    public List<String> applications() {
        return states.keySet().stream().sorted().toList();
    }

    @Override
    public synchronized List<String> regions(String applicationId) {
        State s = states.get(applicationId);
        return s == null ? List.of() : s.regions.stream().sorted().toList();
    }

    /** No database to read: every step READY, saying what this backend holds. */
    @Override
    public synchronized List<Finding> check(String applicationId, String target, Duration within) {
        State s = states.get(applicationId);
        if (s == null) {
            return List.of();
        }
        String seen = "in-memory backend, no database: primary " + s.primary + ", "
                + (s.source == null
                        ? "not replicating"
                        : "replicating " + s.source + "->" + s.target + ", backlog " + s.pending)
                + ", epoch " + s.epoch + (s.unreachable.isEmpty() ? "" : ", marked unreachable " + s.unreachable);
        return java.util.stream.Stream.of(
                        StepAction.DATA_DRAIN,
                        StepAction.DATA_PROMOTE,
                        StepAction.DATA_FENCE,
                        StepAction.DATA_REPROTECT)
                .map(a -> Finding.ready(a, "in-memory", seen))
                .toList();
    }

    @Override
    public void close() {
        // nothing held
    }
}
