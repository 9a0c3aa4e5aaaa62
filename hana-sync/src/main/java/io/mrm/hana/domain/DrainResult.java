package io.mrm.hana.domain;

import java.util.Map;

/**
 * The outcome of a bounded drain.
 *
 * @param complete  the target applied everything the source had committed when the drain started
 * @param remaining what was still to apply when the drain ended (0 when complete; backend's unit: changes or bytes of WAL)
 * @param details   positions and the like, copied into the acknowledgement
 */
public record DrainResult(boolean complete, long remaining, Map<String, String> details) {

    public DrainResult {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
