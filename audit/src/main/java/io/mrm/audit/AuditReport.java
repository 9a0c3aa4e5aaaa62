package io.mrm.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything an audit found.
 *
 * @param query           what was asked
 * @param generatedAt     when the report was made
 * @param recordsRead     decoded records read (all applications, before filtering)
 * @param applications    per application, by id
 * @param undecodable     records that could not be decoded
 * @param deadLetters     dead letters read, per category
 * @param notes           what the reader wants the reader to know (e.g. a topic that does not exist)
 */
public record AuditReport(
        AuditQuery query,
        Instant generatedAt,
        long recordsRead,
        List<ApplicationAudit> applications,
        List<Undecodable> undecodable,
        Map<String, Long> deadLetters,
        List<String> notes) {

    public AuditReport {
        applications = List.copyOf(applications);
        undecodable = List.copyOf(undecodable);
        deadLetters = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(deadLetters));
        notes = List.copyOf(notes);
    }

    public long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    public long runCount() {
        return applications.stream().mapToLong(a -> a.runs().size()).sum();
    }
}
