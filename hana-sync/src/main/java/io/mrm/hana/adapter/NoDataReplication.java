package io.mrm.hana.adapter;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.time.Duration;

/**
 * No backend configured: every command fails fatally with {@code NO_BACKEND}, so a plan that needs
 * this actuator pauses with an alert at once instead of waiting for its deadline.
 */
public final class NoDataReplication implements DataReplication, AutoCloseable {

    private static ActuatorFailure none() {
        return ActuatorFailure.fatal("NO_BACKEND", "hana-sync has no backend configured (mrm.data.backend)");
    }

    @Override
    public ReplicationStatus status(String applicationId) throws ActuatorFailure {
        throw none();
    }

    @Override
    public DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within)
            throws ActuatorFailure {
        throw none();
    }

    @Override
    public ReplicationStatus promote(String applicationId, String region, long epoch, boolean forced, Duration within)
            throws ActuatorFailure {
        throw none();
    }

    @Override
    public ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws ActuatorFailure {
        throw none();
    }

    @Override
    public FenceResult fence(String applicationId, String region, long epoch, Duration within) throws ActuatorFailure {
        throw none();
    }

    @Override
    public void close() {
        // nothing held
    }
}
