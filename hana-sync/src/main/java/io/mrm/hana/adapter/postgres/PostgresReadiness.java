package io.mrm.hana.adapter.postgres;

import static io.mrm.events.decision.StepAction.DATA_DRAIN;
import static io.mrm.events.decision.StepAction.DATA_FENCE;
import static io.mrm.events.decision.StepAction.DATA_PROMOTE;
import static io.mrm.events.decision.StepAction.DATA_REPROTECT;

import io.mrm.events.decision.StepAction;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Fencing;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Role;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Slot;
import io.mrm.hana.domain.DataReadiness;
import io.mrm.hana.domain.DataReadiness.Finding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The readiness checks of the PostgreSQL backend, each against exactly what {@link PostgresDebeziumReplication}
 * and {@link PostgresFence} execute, read as the configured user without changing anything (see
 * {@link PostgresRegionFacts}):
 *
 * <ul>
 * <li>drain S→T: the slot on S that feeds T exists, is read by a capture and has not lost WAL; the
 *   publication exists; the marker table may be written; the backlog in WAL bytes;</li>
 * <li>promote T: login; {@code mrm.fencing} present with the application's row (role and epoch); CREATE on
 *   the database and schema {@code mrm} (promote runs {@code CREATE ... IF NOT EXISTS}); SELECT, INSERT,
 *   UPDATE on {@code mrm.fencing}; REPLICATION and EXECUTE on {@code pg_create_logical_replication_slot}
 *   (the reverse slot); membership in each table's owner (the GRANT to the application role);</li>
 * <li>fence S: login; {@code mrm.fencing}; the same CREATE and fencing privileges; membership in each
 *   table's owner (the REVOKE); the right to end the application role's sessions;</li>
 * <li>re-protect T→S: what fence needs on S, and REPLICATION with EXECUTE on
 *   {@code pg_drop_replication_slot} there (its old slot is replayed and dropped).</li>
 * </ul>
 */
public final class PostgresReadiness implements DataReadiness {

    private final Map<String, PostgresApplication> applications = new LinkedHashMap<>();

    public PostgresReadiness(List<PostgresApplication> applications) {
        applications.forEach(a -> this.applications.put(a.applicationId(), a));
    }

    @Override
    public List<String> applications() {
        return List.copyOf(applications.keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        PostgresApplication app = applications.get(applicationId);
        return app == null
                ? List.of()
                : app.regions().keySet().stream().sorted().toList();
    }

    @Override
    public List<Finding> check(String applicationId, String target, Duration within) {
        PostgresApplication app = applications.get(applicationId);
        if (app == null || !app.regions().containsKey(target)) {
            return List.of(Finding.notReady(
                    DATA_PROMOTE,
                    "configuration",
                    target + " is not a region of " + applicationId + " under mrm.data.postgres"));
        }
        String source = app.other(target);
        // each database gets a third of the time, so one that does not answer is reported as such (UNKNOWN)
        // while the other's findings still arrive within the bound
        Duration each = within.dividedBy(3);
        PostgresRegionFacts t = PostgresRegionFacts.read(app, target, each);
        PostgresRegionFacts s = PostgresRegionFacts.read(app, source, each);
        List<Finding> findings = new ArrayList<>();
        findings.addAll(drain(app, s, t));
        findings.addAll(promote(app, t, s));
        findings.addAll(fence(app, s, DATA_FENCE));
        findings.addAll(reprotect(app, s));
        return findings;
    }

    private static List<Finding> drain(PostgresApplication app, PostgresRegionFacts s, PostgresRegionFacts t) {
        if (!s.readable()) {
            return List.of(unreadable(DATA_DRAIN, s));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(loggedIn(DATA_DRAIN, s));
        if (t.readable() && isPrimary(t, s)) {
            findings.add(Finding.ready(
                    DATA_DRAIN,
                    "replication",
                    t.region + " is already the primary (" + role(t) + "): a drain towards it has nothing to do"));
            return findings;
        }
        String slot = app.slotName(t.region);
        String direction = s.region + "->" + t.region;
        Optional<Slot> feeding = s.slotToOther;
        if (feeding.isEmpty()) {
            findings.add(Finding.notReady(
                    DATA_DRAIN,
                    "replication",
                    "no replication slot " + slot + " on " + s.region + ": nothing replicates " + direction
                            + ", so a drain fails; hana-sync creates it at set-up, at promote and at re-protect "
                            + direction));
        } else if (feeding.get().lost()) {
            findings.add(Finding.notReady(
                    DATA_DRAIN,
                    "replication",
                    "replication slot " + slot + " on " + s.region + " lost WAL it needed (wal_status lost, "
                            + "max_slot_wal_keep_size): " + t.region + " misses changes; re-protect " + direction
                            + " takes a fresh copy"));
        } else if (!feeding.get().active()) {
            findings.add(Finding.notReady(
                    DATA_DRAIN,
                    "replication",
                    "no capture reads replication slot " + slot + " on " + s.region + ": the capture " + direction
                            + " is not running (see hana-sync's replication health and log)"));
        } else if (!s.publication) {
            findings.add(Finding.notReady(
                    DATA_DRAIN,
                    "replication",
                    "publication " + app.publication() + " is missing on " + s.region
                            + ": the capture cannot decode the tables; hana-sync creates it when it starts"));
        } else {
            findings.add(Finding.ready(
                    DATA_DRAIN,
                    "replication",
                    "slot " + slot + " on " + s.region + " is read by a capture (wal_status "
                            + feeding.get().walStatus() + ", " + feeding.get().retainedWal() + " WAL bytes retained)"));
        }
        List<String> missing = new ArrayList<>();
        if (!s.schemaUsage || !s.holds("drain_marker", "SELECT", "INSERT", "UPDATE")) {
            missing.add("USAGE on schema mrm and SELECT, INSERT, UPDATE on mrm.drain_marker (the drain's marker row)");
        }
        findings.add(privileges(DATA_DRAIN, s, missing, "may write the drain marker on " + s.region));
        findings.add(backlog(app, s, t));
        return findings;
    }

    private static Finding backlog(PostgresApplication app, PostgresRegionFacts s, PostgresRegionFacts t) {
        if (!t.readable()) {
            return Finding.unknown(DATA_DRAIN, "backlog", "not measured: " + t.unreadable);
        }
        long to;
        String what;
        if (t.appliedFromOther >= 0) {
            to = t.appliedFromOther;
            what = "the last position " + t.region + " applied";
        } else if (s.slotToOtherConfirmed >= 0) {
            to = s.slotToOtherConfirmed;
            what = "the position slot " + app.slotName(t.region) + " confirmed";
        } else {
            return Finding.unknown(
                    DATA_DRAIN,
                    "backlog",
                    t.region + " has applied nothing from " + s.region
                            + " yet and no slot feeding it has a confirmed position");
        }
        long bytes = Math.max(0, s.currentLsn - to);
        // the bound is the engine's (policy failover-drain-max-backlog): a drain carrying it refuses more
        return Finding.ready(
                DATA_DRAIN,
                "backlog",
                bytes + " WAL bytes from " + s.region + "'s insert position to " + what
                        + " (a drain with a bound refuses a larger backlog before it starts)");
    }

    private static List<Finding> promote(PostgresApplication app, PostgresRegionFacts t, PostgresRegionFacts s) {
        if (!t.readable()) {
            return List.of(unreadable(DATA_PROMOTE, t));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(loggedIn(DATA_PROMOTE, t));
        findings.add(fencingTable(DATA_PROMOTE, app, t));
        findings.add(tables(DATA_PROMOTE, t));
        List<String> missing = writeFencing(t);
        if (!t.holds("replication_offset", "SELECT")) {
            missing.add("SELECT on mrm.replication_offset (the position applied when promoted)");
        }
        if (!t.superuser && !t.replication) {
            missing.add("the REPLICATION attribute (promote creates the reverse slot " + app.slotName(s.region) + ")");
        }
        if (!t.createSlotFunction) {
            missing.add("EXECUTE on pg_create_logical_replication_slot");
        }
        missing.addAll(owner(app, t, "GRANT"));
        return add(findings, privileges(DATA_PROMOTE, t, missing, "may promote " + t.region));
    }

    private static List<Finding> fence(PostgresApplication app, PostgresRegionFacts s, StepAction action) {
        if (!s.readable()) {
            return List.of(unreadable(action, s));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(loggedIn(action, s));
        findings.add(fencingTable(action, app, s));
        List<String> missing = writeFencing(s);
        missing.addAll(owner(app, s, "REVOKE"));
        if (!s.mayEndAppSessions || !s.terminateFunction) {
            missing.add("membership in pg_signal_backend or in " + app.appRole()
                    + ", and EXECUTE on pg_terminate_backend (the fence ends the application's sessions)");
        }
        return add(findings, privileges(action, s, missing, "may fence " + s.region));
    }

    private static List<Finding> reprotect(PostgresApplication app, PostgresRegionFacts s) {
        List<Finding> findings = new ArrayList<>(fence(app, s, DATA_REPROTECT));
        if (!s.readable()) {
            return findings;
        }
        List<String> missing = new ArrayList<>();
        if (!s.superuser && !s.replication) {
            missing.add("the REPLICATION attribute (re-protect replays and drops " + s.region + "'s old slot)");
        }
        if (!s.dropSlotFunction) {
            missing.add("EXECUTE on pg_drop_replication_slot");
        }
        findings.add(privileges(DATA_REPROTECT, s, missing, "may drop " + s.region + "'s old slot")
                .withCheck("replication-privileges"));
        return findings;
    }

    /** CREATE on the database and schema mrm (the statements run IF NOT EXISTS), and the fencing row's upsert. */
    private static List<String> writeFencing(PostgresRegionFacts f) {
        List<String> missing = new ArrayList<>();
        if (!f.databaseCreate) {
            missing.add("CREATE on the database (CREATE SCHEMA IF NOT EXISTS mrm)");
        }
        if (!f.schemaUsage || !f.schemaCreate) {
            missing.add("USAGE and CREATE on schema mrm");
        }
        if (!f.holds("fencing", "SELECT", "INSERT", "UPDATE")) {
            missing.add("SELECT, INSERT, UPDATE on mrm.fencing (the epoch's conditional upsert)");
        }
        return missing;
    }

    private static List<String> owner(PostgresApplication app, PostgresRegionFacts f, String statement) {
        List<String> missing = new ArrayList<>();
        if (!f.appRoleExists) {
            missing.add("the application role " + app.appRole() + " (it does not exist)");
        }
        if (!f.notOwned.isEmpty()) {
            missing.add("membership in the owner of " + names(f.notOwned) + " (" + statement + " on " + app.appRole()
                    + " acts as the owner)");
        }
        return missing;
    }

    private static Finding fencingTable(StepAction action, PostgresApplication app, PostgresRegionFacts f) {
        if (!f.mrmTables.containsKey("fencing")) {
            return Finding.notReady(
                    action,
                    "fencing-table",
                    "mrm.fencing does not exist in " + f.region
                            + "'s database: it holds the epoch that refuses stale commands; hana-sync creates it when"
                            + " it starts (restart it, and check that jdbc-url names the application's database)");
        }
        if (!f.mayUseFencing()) {
            return Finding.notReady(
                    action,
                    "fencing-table",
                    f.user + " may not read and write mrm.fencing in " + f.region
                            + ": grant USAGE on schema mrm and SELECT, INSERT, UPDATE on mrm.fencing");
        }
        return f.fencing
                .map(row -> Finding.ready(
                        action,
                        "fencing-table",
                        "mrm.fencing in " + f.region + ": " + row.role() + " at epoch " + row.epoch()))
                .orElseGet(() -> Finding.notReady(
                        action,
                        "fencing-table",
                        "mrm.fencing in " + f.region + " has no row for " + app.applicationId()
                                + ": hana-sync has not set this database up (it does when it starts)"));
    }

    private static Finding tables(StepAction action, PostgresRegionFacts f) {
        return f.missingTables.isEmpty()
                ? Finding.ready(action, "tables", "every replicated table exists in " + f.region)
                : Finding.notReady(
                        action, "tables", "missing in " + f.region + "'s database: " + names(f.missingTables));
    }

    private static Finding privileges(StepAction action, PostgresRegionFacts f, List<String> missing, String what) {
        if (missing.isEmpty()) {
            return Finding.ready(
                    action,
                    "privileges",
                    f.user + (f.superuser ? " (superuser)" : f.replication ? " (REPLICATION)" : "") + " " + what);
        }
        return Finding.notReady(
                action, "privileges", f.user + " on " + f.region + " lacks " + String.join("; ", missing));
    }

    private static Finding loggedIn(StepAction action, PostgresRegionFacts f) {
        return Finding.ready(action, "connection", "logged in to " + f.region + " as " + f.user);
    }

    private static Finding unreadable(StepAction action, PostgresRegionFacts f) {
        return new Finding(action, "connection", f.unreadableStatus, f.unreadable);
    }

    /** The target says it is the primary, and the other region shows no primary as recent. */
    private static boolean isPrimary(PostgresRegionFacts t, PostgresRegionFacts s) {
        Optional<Fencing> row = t.fencing;
        if (row.isEmpty() || row.get().role() != Role.PRIMARY) {
            return false;
        }
        return s.fencing.isEmpty()
                || s.fencing.get().role() != Role.PRIMARY
                || s.fencing.get().epoch() < row.get().epoch();
    }

    private static String role(PostgresRegionFacts f) {
        return f.fencing.map(r -> r.role() + " at epoch " + r.epoch()).orElse("no fencing row");
    }

    private static String names(List<TableName> tables) {
        return tables.stream().map(TableName::toString).collect(Collectors.joining(", "));
    }

    private static List<Finding> add(List<Finding> findings, Finding finding) {
        findings.add(finding);
        return findings;
    }
}
