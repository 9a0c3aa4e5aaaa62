package io.mrm.events.command;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The highest epoch an actuator has seen per application: a command with a lower epoch comes from
 * a superseded decision (or a zombie engine instance) and must be refused. This is the in-process
 * guard; backends that can keep the token beside the resource (a TXT record, a fencing table)
 * check it there too, so that two actuator instances cannot both win.
 */
public final class EpochFence {

    private final ConcurrentMap<String, Long> highest = new ConcurrentHashMap<>();

    /**
     * Records {@code epoch} for the application if it is not below the highest seen.
     *
     * @return true when the command may run; false when it is stale
     */
    public boolean admit(String applicationId, long epoch) {
        long after = highest.merge(applicationId, epoch, Math::max);
        return epoch >= after;
    }

    /** Whether {@code epoch} is below the highest seen, without recording it (a rehearsal's check). */
    public boolean stale(String applicationId, long epoch) {
        return epoch < highest(applicationId);
    }

    /** The highest epoch seen for the application, or 0. */
    public long highest(String applicationId) {
        return highest.getOrDefault(applicationId, 0L);
    }
}
