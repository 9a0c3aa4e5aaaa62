package io.mrm.hana.domain;

import java.util.Map;

/**
 * What a fence left on the fenced database.
 *
 * @param changed      false when the database was already fenced at the command's epoch (a re-delivered
 *                     or repeated fence)
 * @param fencingEpoch the epoch in that database's fencing row afterwards
 * @param details      what the backend reports besides (its role, whether the application role can still
 *                     write), copied into the acknowledgement
 */
public record FenceResult(boolean changed, long fencingEpoch, Map<String, String> details) {

    public FenceResult {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
