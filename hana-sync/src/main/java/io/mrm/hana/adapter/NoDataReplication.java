package io.mrm.hana.adapter;

import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DataReplicationException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.time.Duration;

/**
 * No backend configured: every command fails fatally with {@code NO_BACKEND}, so a plan that needs
 * this actuator pauses with an alert at once instead of waiting for its deadline.
 */
public final class NoDataReplication implements DataReplication, AutoCloseable {

    private static DataReplicationException none() {
        return new DataReplicationException(false, "NO_BACKEND", "hana-sync has no backend configured (mrm.data.backend)",
                null);
    }

    @Override
    public ReplicationStatus status(String applicationId) throws DataReplicationException {
        throw none();
    }

    @Override
    public DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within)
            throws DataReplicationException {
        throw none();
    }

    @Override
    public ReplicationStatus promote(String applicationId, String region, long epoch, boolean forced,
                                     Duration within)
            throws DataReplicationException {
        throw none();
    }

    @Override
    public ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws DataReplicationException {
        throw none();
    }

    @Override
    public FenceResult fence(String applicationId, String region, long epoch, Duration within)
            throws DataReplicationException {
        throw none();
    }

    @Override
    public void close() {
        // nothing held
    }
}
