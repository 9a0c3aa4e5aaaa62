package io.mrm.hana.adapter;

import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replication backend held in memory, for tests and demonstrations: counts committed-but-unapplied
 * changes, keeps a fencing epoch and refuses lower ones like the real backends.
 */
public final class InMemoryDataReplication implements DataReplication, AutoCloseable {

    private static final class State {
        String primary;
        String source;
        String target;
        long epoch;
        long pending;
        boolean stalled;
        int changes;
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Starts {@code applicationId} with {@code primary} replicating to {@code standby}. */
    public InMemoryDataReplication replicating(String applicationId, String primary, String standby) {
        State s = new State();
        s.primary = primary;
        s.source = primary;
        s.target = standby;
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

    /** How many times promote or re-protect changed something. */
    public synchronized int changes(String applicationId) {
        return state(applicationId).changes;
    }

    @Override
    public synchronized ReplicationStatus status(String applicationId) {
        State s = state(applicationId);
        return new ReplicationStatus(s.primary, s.epoch, s.source, s.target, s.source == null ? -1 : s.pending,
                Map.of(), Map.of());
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
    public synchronized ReplicationStatus promote(String applicationId, String region, long epoch, Duration within)
            throws DataStaleEpochException {
        State s = state(applicationId);
        fence(s, epoch);
        if (!region.equals(s.primary)) {
            s.primary = region;
            s.source = null;
            s.target = null;
            s.pending = 0;
            s.changes++;
        }
        s.epoch = epoch;
        return status(applicationId);
    }

    @Override
    public synchronized ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws DataStaleEpochException {
        State s = state(applicationId);
        fence(s, epoch);
        if (!fromRegion.equals(s.source) || !toRegion.equals(s.target)) {
            s.source = fromRegion;
            s.target = toRegion;
            s.changes++;
        }
        s.epoch = epoch;
        return status(applicationId);
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
    public void close() {
        // nothing held
    }
}
