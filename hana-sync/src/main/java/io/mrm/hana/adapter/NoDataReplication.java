package io.mrm.hana.adapter;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.domain.DataReadiness;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.time.Duration;
import java.util.List;

/**
 * No backend configured: every command fails fatally with {@code NO_BACKEND}, so a plan that needs
 * this actuator pauses with an alert at once instead of waiting for its deadline.
 */
public final class NoDataReplication implements DataReplication, DataReadiness, AutoCloseable {

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

    /** No backend, so no application configured: nothing is checked and no report is published. */
    @Override
    public List<String> applications() {
        return List.of();
    }

    @Override
    public List<String> regions(String applicationId) {
        return List.of();
    }

    @Override
    public List<Finding> check(String applicationId, String target, Duration within) {
        return List.of();
    }

    @Override
    public void close() {
        // nothing held
    }
}
