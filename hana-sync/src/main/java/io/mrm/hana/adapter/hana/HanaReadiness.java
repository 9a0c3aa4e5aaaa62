package io.mrm.hana.adapter.hana;

import static io.mrm.events.decision.StepAction.DATA_DRAIN;
import static io.mrm.events.decision.StepAction.DATA_FENCE;
import static io.mrm.events.decision.StepAction.DATA_PROMOTE;
import static io.mrm.events.decision.StepAction.DATA_REPROTECT;
import static io.mrm.hana.adapter.hana.HanaApplication.quote;

import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication.ConnectionSource;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication.Fencing;
import io.mrm.hana.domain.DataReadiness;
import io.mrm.hana.domain.DataReadiness.Finding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The readiness checks of the SAP HANA Cloud backend, read without changing anything from the system views
 * {@link HanaRemoteSubscriptionReplication} itself reads, plus {@code SYS.EFFECTIVE_PRIVILEGES} for what the
 * technical user may do:
 *
 * <ul>
 * <li>drain S→T: T's remote subscriptions (they live in the replica) are every one in
 *   {@code APPLY_CHANGE_DATA} ({@code SYS.M_REMOTE_SUBSCRIPTIONS.STATE}); any other state is NOT_READY with
 *   the state and the subscription's last error ({@code SYS.REMOTE_SUBSCRIPTION_EXCEPTIONS}); T's remote source
 *   reaches S (a one-row read through the drain marker's virtual table); the received and not yet applied
 *   messages ({@code SYS.M_REMOTE_SUBSCRIPTION_STATISTICS}); INSERT and UPDATE on S's marker table;</li>
 * <li>promote T: login; {@code "MRM"."FENCING"} present with the application's row; SELECT, INSERT, UPDATE on
 *   it; INSERT, UPDATE, DELETE with grant option on the application's schema (the GRANT to its role);
 *   ALTER on T's remote source when subscriptions are to be dropped (SUSPEND / RESUME CAPTURE);</li>
 * <li>fence S: login; the fencing table; the same fencing and grant-option privileges (the REVOKE);</li>
 * <li>re-protect T→S: what fence needs on S, and CREATE VIRTUAL TABLE and CREATE REMOTE SUBSCRIPTION on S's
 *   remote source.</li>
 * </ul>
 */
public final class HanaReadiness implements DataReadiness {

    private final Map<String, HanaApplication> applications = new LinkedHashMap<>();
    private final ConnectionSource connections;

    public HanaReadiness(List<HanaApplication> applications, ConnectionSource connections) {
        applications.forEach(a -> this.applications.put(a.applicationId(), a));
        this.connections = connections;
    }

    @Override
    public List<String> applications() {
        return List.copyOf(applications.keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        HanaApplication app = applications.get(applicationId);
        return app == null
                ? List.of()
                : app.remoteSources().keySet().stream().sorted().toList();
    }

    /** What one database shows; {@code unreadable} says why not. */
    private static final class Facts {
        final String region;
        String unreadable;
        ReadinessStatus unreadableStatus = ReadinessStatus.NOT_READY;
        boolean fencingTable;
        Optional<Fencing> fencing = Optional.empty();
        Map<String, String> subscriptions = new TreeMap<>();
        /** Subscription → its last error, "number: message". */
        Map<String, String> errors = new TreeMap<>();

        long backlog;
        /** Null when the remote source answered; else why not (or that there is no virtual table to read yet). */
        String remoteSource;

        boolean remoteSourceConclusive;
        final List<Object[]> privileges = new ArrayList<>();

        Facts(String region) {
            this.region = region;
        }

        boolean readable() {
            return unreadable == null;
        }

        boolean holds(String type, String schema, String object, String privilege, boolean grantable) {
            for (Object[] row : privileges) {
                boolean on = type.equals(row[0])
                        && (type.equals("REMOTE SOURCE")
                                ? object.equals(row[2])
                                : schema.equals(row[1]) && (row[2] == null || object.equals(row[2])));
                if (on && privilege.equals(row[3]) && (!grantable || "TRUE".equals(row[4]))) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public List<Finding> check(String applicationId, String target, Duration within) {
        HanaApplication app = applications.get(applicationId);
        if (app == null || !app.remoteSources().containsKey(target)) {
            return List.of(Finding.notReady(
                    DATA_PROMOTE,
                    "configuration",
                    target + " is not a region of " + applicationId + " under mrm.data.hana"));
        }
        Facts t = read(app, target);
        Facts s = read(app, app.other(target));
        List<Finding> findings = new ArrayList<>();
        findings.addAll(drain(app, s, t));
        findings.addAll(promote(app, t));
        findings.addAll(fence(app, s, DATA_FENCE));
        findings.addAll(reprotect(app, s));
        return findings;
    }

    private Facts read(HanaApplication app, String region) {
        Facts f = new Facts(region);
        try (Connection c = connections.open(app.applicationId(), region)) {
            f.fencingTable = HanaRemoteSubscriptionReplication.count(
                            c,
                            "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?",
                            "MRM",
                            "FENCING")
                    > 0;
            f.fencing = HanaRemoteSubscriptionReplication.fencing(c, app);
            readSubscriptions(c, app, f);
            try (PreparedStatement ps = c.prepareStatement("SELECT OBJECT_TYPE, SCHEMA_NAME, OBJECT_NAME, PRIVILEGE,"
                            + " IS_GRANTABLE FROM SYS.EFFECTIVE_PRIVILEGES WHERE USER_NAME = CURRENT_USER");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    f.privileges.add(new Object[] {
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)
                    });
                }
            }
            readRemoteSource(c, app, f);
        } catch (SQLException e) {
            f.unreadable =
                    region + "'s database could not be read: " + e.getMessage() + " (error " + e.getErrorCode() + ")";
            // a refused or lost connection says the step would fail now; the checker turns a hang into UNKNOWN
            f.unreadableStatus = ReadinessStatus.NOT_READY;
            if (HanaErrors.unreachable(e)) {
                f.unreadable = region + "'s database does not answer: " + e.getMessage();
            }
        }
        return f;
    }

    private static void readSubscriptions(Connection c, HanaApplication app, Facts f) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT SUBSCRIPTION_NAME FROM SYS.REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, app.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    f.subscriptions.put(rs.getString(1), "CREATED");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT SUBSCRIPTION_NAME, STATE FROM SYS.M_REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, app.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (f.subscriptions.containsKey(rs.getString(1))) {
                        f.subscriptions.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT OBJECT_NAME, ERROR_NUMBER, ERROR_MESSAGE FROM"
                        + " SYS.REMOTE_SUBSCRIPTION_EXCEPTIONS WHERE OBJECT_TYPE = 'REMOTE SUBSCRIPTION'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (f.subscriptions.containsKey(rs.getString(1))) {
                    f.errors.put(rs.getString(1), rs.getLong(2) + ": " + rs.getString(3));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(RECEIVED_MESSAGE_COUNT -"
                + " APPLIED_MESSAGE_COUNT), 0) FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, app.schema());
            try (ResultSet rs = ps.executeQuery()) {
                f.backlog = rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Reads one count through the drain marker's virtual table: the remote source reaching the other region. */
    private static void readRemoteSource(Connection c, HanaApplication app, Facts f) {
        String vt = "VT_" + HanaRemoteSubscriptionReplication.MARKER;
        try {
            if (HanaRemoteSubscriptionReplication.count(
                            c,
                            "SELECT COUNT(*) FROM SYS.VIRTUAL_TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?",
                            app.schema(),
                            vt)
                    == 0) {
                f.remoteSource = "no virtual table " + app.schema() + "." + vt + " to read through remote source "
                        + app.remoteSources().get(f.region) + " (re-protect creates it)";
                return;
            }
            HanaRemoteSubscriptionReplication.count(c, "SELECT COUNT(*) FROM " + quote(app.schema()) + "." + quote(vt));
        } catch (SQLException e) {
            f.remoteSource = "remote source " + app.remoteSources().get(f.region) + " in " + f.region
                    + " does not reach " + app.other(f.region) + ": " + e.getMessage() + " (error " + e.getErrorCode()
                    + ")";
            f.remoteSourceConclusive = true;
        }
    }

    private static List<Finding> drain(HanaApplication app, Facts s, Facts t) {
        if (!t.readable()) {
            return List.of(new Finding(DATA_DRAIN, "connection", t.unreadableStatus, t.unreadable));
        }
        List<Finding> findings = new ArrayList<>();
        if (t.fencing.isPresent() && "PRIMARY".equals(t.fencing.get().role())) {
            findings.add(Finding.ready(
                    DATA_DRAIN, "subscription-state", t.region + " is already the primary: nothing to drain"));
            return findings;
        }
        List<String> required = app.subscriptions();
        if (t.subscriptions.isEmpty()) {
            findings.add(Finding.notReady(
                    DATA_DRAIN,
                    "subscription-state",
                    "no remote subscription of schema " + app.schema() + " in " + t.region + ": nothing replicates "
                            + s.region + "->" + t.region + "; re-protect " + s.region + "->" + t.region
                            + " subscribes it"));
        } else {
            List<String> wrong = new ArrayList<>();
            t.subscriptions.forEach((name, state) -> {
                if (!HanaRemoteSubscriptionReplication.APPLYING.equals(state) || t.errors.containsKey(name)) {
                    String error = t.errors.get(name);
                    wrong.add(name + " is " + state + (error == null ? "" : " with error " + error));
                }
            });
            required.stream()
                    .filter(r -> !t.subscriptions.containsKey(r))
                    .forEach(r -> wrong.add(r + " does not exist"));
            findings.add(
                    wrong.isEmpty()
                            ? Finding.ready(
                                    DATA_DRAIN,
                                    "subscription-state",
                                    t.subscriptions.size() + " remote subscriptions in " + t.region
                                            + " are APPLY_CHANGE_DATA")
                            : Finding.notReady(
                                    DATA_DRAIN,
                                    "subscription-state",
                                    "in " + t.region + ": " + String.join("; ", wrong)
                                            + " (an exception moves on only once processed: PROCESS REMOTE"
                                            + " SUBSCRIPTION EXCEPTION ... RETRY or IGNORE)"));
        }
        findings.add(
                t.remoteSource == null
                        ? Finding.ready(
                                DATA_DRAIN,
                                "remote-source",
                                "remote source " + app.remoteSources().get(t.region) + " in " + t.region + " reaches "
                                        + s.region)
                        : new Finding(
                                DATA_DRAIN,
                                "remote-source",
                                t.remoteSourceConclusive ? ReadinessStatus.NOT_READY : ReadinessStatus.UNKNOWN,
                                t.remoteSource));
        findings.add(Finding.ready(
                DATA_DRAIN,
                "backlog",
                t.backlog + " messages received by " + t.region + " and not yet applied (HANA counts messages, not"
                        + " bytes: a drain's byte bound is not applied here)"));
        if (s.readable()) {
            List<String> missing = new ArrayList<>();
            String marker = HanaRemoteSubscriptionReplication.MARKER;
            for (String p : List.of("INSERT", "UPDATE")) {
                if (!s.holds("TABLE", app.schema(), marker, p, false)
                        && !s.holds("SCHEMA", app.schema(), app.schema(), p, false)) {
                    missing.add(p + " on " + app.schema() + "." + marker);
                }
            }
            findings.add(privileges(DATA_DRAIN, s, missing, "may write the drain marker on " + s.region));
        } else {
            findings.add(new Finding(DATA_DRAIN, "connection", s.unreadableStatus, s.unreadable));
        }
        return findings;
    }

    private static List<Finding> promote(HanaApplication app, Facts t) {
        if (!t.readable()) {
            return List.of(new Finding(DATA_PROMOTE, "connection", t.unreadableStatus, t.unreadable));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.ready(DATA_PROMOTE, "connection", "logged in to " + t.region));
        findings.add(fencingTable(DATA_PROMOTE, app, t));
        List<String> missing = fencingAndGrants(app, t);
        String source = app.remoteSources().get(t.region);
        if (!t.subscriptions.isEmpty() && !t.holds("REMOTE SOURCE", null, source, "ALTER", false)) {
            missing.add("ALTER on remote source " + source + " (promote suspends and resumes its capture)");
        }
        findings.add(privileges(DATA_PROMOTE, t, missing, "may promote " + t.region));
        return findings;
    }

    private static List<Finding> fence(HanaApplication app, Facts s, StepAction action) {
        if (!s.readable()) {
            return List.of(new Finding(action, "connection", s.unreadableStatus, s.unreadable));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.ready(action, "connection", "logged in to " + s.region));
        findings.add(fencingTable(action, app, s));
        findings.add(privileges(action, s, fencingAndGrants(app, s), "may fence " + s.region));
        return findings;
    }

    private static List<Finding> reprotect(HanaApplication app, Facts s) {
        List<Finding> findings = new ArrayList<>(fence(app, s, DATA_REPROTECT));
        if (!s.readable()) {
            return findings;
        }
        String source = app.remoteSources().get(s.region);
        List<String> missing = new ArrayList<>();
        for (String p : List.of("CREATE VIRTUAL TABLE", "CREATE REMOTE SUBSCRIPTION")) {
            if (!s.holds("REMOTE SOURCE", null, source, p, false)) {
                missing.add(p + " on remote source " + source);
            }
        }
        Finding f = privileges(DATA_REPROTECT, s, missing, "may subscribe " + s.region + " through " + source);
        findings.add(new Finding(f.action(), "subscribe-privileges", f.status(), f.reason()));
        return findings;
    }

    private static List<String> fencingAndGrants(HanaApplication app, Facts f) {
        List<String> missing = new ArrayList<>();
        for (String p : List.of("SELECT", "INSERT", "UPDATE")) {
            if (!f.holds("TABLE", "MRM", "FENCING", p, false) && !f.holds("SCHEMA", "MRM", "MRM", p, false)) {
                missing.add(p + " on MRM.FENCING");
            }
        }
        for (String p : List.of("INSERT", "UPDATE", "DELETE")) {
            if (!f.holds("SCHEMA", app.schema(), app.schema(), p, true)) {
                missing.add(p + " on schema " + app.schema() + " WITH GRANT OPTION (granted to and revoked from "
                        + app.appRole() + ")");
            }
        }
        return missing;
    }

    private static Finding fencingTable(StepAction action, HanaApplication app, Facts f) {
        if (!f.fencingTable) {
            return Finding.notReady(
                    action,
                    "fencing-table",
                    "MRM.FENCING does not exist in " + f.region
                            + ": it holds the epoch that refuses stale commands; hana-sync creates it when it starts");
        }
        return f.fencing
                .map(row -> Finding.ready(
                        action,
                        "fencing-table",
                        "MRM.FENCING in " + f.region + ": " + row.role() + " at epoch " + row.epoch()))
                .orElseGet(() -> Finding.notReady(
                        action,
                        "fencing-table",
                        "MRM.FENCING in " + f.region + " has no row for " + app.applicationId()
                                + ": hana-sync has not set this database up"));
    }

    private static Finding privileges(StepAction action, Facts f, List<String> missing, String what) {
        return missing.isEmpty()
                ? Finding.ready(action, "privileges", "the technical user " + what)
                : Finding.notReady(
                        action,
                        "privileges",
                        "the technical user on " + f.region + " lacks " + String.join("; ", missing)
                                + " (SYS.EFFECTIVE_PRIVILEGES)");
    }
}
