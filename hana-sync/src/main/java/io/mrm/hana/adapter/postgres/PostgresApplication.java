package io.mrm.hana.adapter.postgres;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One application's two databases and what is replicated between them.
 *
 * @param applicationId  the application
 * @param initialPrimary the region that is primary when neither database has a fencing row yet
 * @param regions        exactly two regions
 * @param tables         the replicated tables; each needs a primary key
 * @param appRole        the role the application writes with: the role fenced on the old primary
 */
public record PostgresApplication(
        String applicationId,
        String initialPrimary,
        Map<String, PostgresRegion> regions,
        List<TableName> tables,
        String appRole) {

    public PostgresApplication {
        Objects.requireNonNull(applicationId, "applicationId");
        regions = Map.copyOf(regions);
        tables = List.copyOf(tables);
        if (regions.size() != 2) {
            throw new IllegalArgumentException("exactly two regions are needed, got " + regions.keySet());
        }
        if (!regions.containsKey(initialPrimary)) {
            throw new IllegalArgumentException(
                    "initial primary " + initialPrimary + " is not one of " + regions.keySet());
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("no tables to replicate");
        }
        TableName.identifier("app role", appRole);
        slotName(applicationId, "x".repeat(maxRegionLength(regions)));
    }

    PostgresRegion region(String region) {
        PostgresRegion r = regions.get(region);
        if (r == null) {
            throw new IllegalArgumentException("region " + region + " is not configured for " + applicationId);
        }
        return r;
    }

    String other(String region) {
        return regions.keySet().stream()
                .filter(r -> !r.equals(region))
                .findFirst()
                .orElseThrow();
    }

    /** The replication slot, on the source, that feeds {@code targetRegion}. */
    String slotName(String targetRegion) {
        return slotName(applicationId, targetRegion);
    }

    String publication() {
        return TableName.identifier("publication", "mrm_" + sanitize(applicationId));
    }

    /** The configured tables and the drain marker, which is replicated like them. */
    List<TableName> replicatedTables() {
        return java.util.stream.Stream.concat(tables.stream(), java.util.stream.Stream.of(ReplicationSchema.MARKER))
                .toList();
    }

    private static String slotName(String applicationId, String targetRegion) {
        return TableName.identifier(
                "replication slot name (from application id and region)",
                "mrm_" + sanitize(applicationId) + "_to_" + sanitize(targetRegion));
    }

    private static int maxRegionLength(Map<String, PostgresRegion> regions) {
        return regions.keySet().stream().mapToInt(String::length).max().orElse(1);
    }

    private static String sanitize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
