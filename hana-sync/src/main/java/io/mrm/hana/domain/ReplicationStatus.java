package io.mrm.hana.domain;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the backend reports for one application.
 *
 * @param primaryRegion   the region whose database is writable (null when none is)
 * @param fencingEpoch    the highest epoch stored in the fencing tables (0 before any switch)
 * @param sourceRegion    where replication reads from (null when nothing replicates)
 * @param targetRegion    where it applies to (null when nothing replicates)
 * @param backlog         changes committed on the source and not yet applied (-1 when unknown)
 * @param tables          each replicated table's state, e.g. {@code APPLYING} or {@code PRIMARY}
 * @param details         what the backend reports besides (positions, fenced flags, divergence)
 */
public record ReplicationStatus(
        String primaryRegion,
        long fencingEpoch,
        String sourceRegion,
        String targetRegion,
        long backlog,
        Map<String, String> tables,
        Map<String, String> details) {

    public ReplicationStatus {
        tables = tables == null ? Map.of() : Map.copyOf(tables);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public boolean replicates(String from, String to) {
        return from.equals(sourceRegion) && to.equals(targetRegion);
    }

    /** The status as an acknowledgement's observed state (the contract has no status command). */
    public Map<String, String> observed() {
        Map<String, String> observed = new TreeMap<>();
        details.forEach((k, v) -> observed.put(k, String.valueOf(v)));
        tables.forEach((table, state) -> observed.put("table." + table, String.valueOf(state)));
        observed.put("primary", String.valueOf(primaryRegion));
        observed.put("fencingEpoch", Long.toString(fencingEpoch));
        observed.put("direction", sourceRegion == null ? "none" : sourceRegion + "->" + targetRegion);
        observed.put("backlog", Long.toString(backlog));
        return observed;
    }
}
