package io.mrm.hana.adapter.hana;

import static io.mrm.hana.adapter.hana.HanaApplication.quote;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.domain.Backlog;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication between two SAP HANA Cloud databases with smart data integration remote
 * subscriptions: the replica's database reads the primary's tables through a remote source, one
 * virtual table ({@code VT_<table>}) and one subscription ({@code SUB_<table>}) per table.
 *
 * <p>Every change is preceded by a read of the current state ({@code SYS.REMOTE_SUBSCRIPTIONS},
 * {@code SYS.M_REMOTE_SUBSCRIPTIONS}, {@code SYS.VIRTUAL_TABLES}, {@code SYS.TABLES}), so a command run
 * twice changes nothing the second time. Identifiers come from configuration or from the primary's
 * catalog, are checked by {@link HanaApplication#identifier} and quoted; values are bound parameters.
 *
 * <p>Fencing: each database holds {@code "MRM"."FENCING"} (application, epoch, role), changed only by a
 * conditional update ({@code ... WHERE EPOCH <= ?}); a command below the stored epoch is refused. The
 * application's role loses its write privileges on a database that is not primary.
 *
 * <p>Fence does promote's fencing of the old primary on its own (see {@link HanaFence}), for the
 * region a forced failover left.
 *
 * <p>Drain writes a marker row on the primary ({@code MRM_DRAIN_MARKER}, replicated like the tables)
 * and waits until the replica shows it and the subscriptions' backlog (received minus applied
 * messages, summed over {@code SYS.M_REMOTE_SUBSCRIPTION_STATISTICS}) is zero.
 *
 * <p>A subscription's lifecycle is asynchronous ({@code SYS.M_REMOTE_SUBSCRIPTIONS.STATE}): {@code QUEUE}
 * returns while the begin marker still travels ({@code MAT_START_BEG_MARKER}), {@code DISTRIBUTE} while the
 * queue is still being applied ({@code MAT_COMP_BEG_MARKER} ... {@code AUTO_CORRECT_CHANGE_DATA}). So
 * re-protect issues each statement only from the state it starts from, waits (bounded) for the state it
 * leads to, loads a table only once its changes are being queued, and replicates only when every
 * subscription reached {@code APPLY_CHANGE_DATA}; a retry inside either window waits instead of issuing
 * the statement again.
 */
public final class HanaRemoteSubscriptionReplication implements DataReplication, AutoCloseable {

    /** Opens a connection to one application's database in one region. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open(String applicationId, String region) throws SQLException;
    }

    static final String MARKER = "MRM_DRAIN_MARKER";
    static final int PAGE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(HanaRemoteSubscriptionReplication.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String APPLYING = "APPLY_CHANGE_DATA";
    /** How long re-protect waits for the subscriptions to move on before it answers "not yet". */
    static final Duration SETTLE = Duration.ofSeconds(60);

    static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, HanaApplication> applications = new LinkedHashMap<>();
    private final ConnectionSource connections;
    private final Duration settle;
    private final Duration poll;

    public HanaRemoteSubscriptionReplication(List<HanaApplication> applications, ConnectionSource connections) {
        this(applications, connections, SETTLE, POLL);
    }

    HanaRemoteSubscriptionReplication(
            List<HanaApplication> applications, ConnectionSource connections, Duration settle, Duration poll) {
        applications.forEach(a -> this.applications.put(a.applicationId(), a));
        this.connections = connections;
        this.settle = settle;
        this.poll = poll;
    }

    /** The configured applications, in configuration order. */
    public List<HanaApplication> applications() {
        return List.copyOf(applications.values());
    }

    /** How long re-protect waits for the subscriptions to reach the next state before it answers "not yet". */
    public Duration settle() {
        return settle;
    }

    /**
     * The first time (no fencing row in either database) the configured initial primary is recorded as
     * primary at epoch 0; replication itself is set up by a re-protect command. A database that does
     * not answer is left for later.
     */
    public void start() {
        for (HanaApplication app : applications.values()) {
            synchronized (app) {
                try (Connection p = connections.open(app.applicationId(), app.initialPrimary());
                        Connection s = connections.open(app.applicationId(), app.other(app.initialPrimary()))) {
                    if (fencing(p, app).isEmpty() && fencing(s, app).isEmpty()) {
                        fence(p, app, 0, "PRIMARY");
                        ensureMarker(p, app);
                        ensureMarker(s, app);
                    }
                } catch (SQLException | ActuatorFailure e) {
                    LOG.warn("HANA replication of {} not set up yet: {}", app.applicationId(), e.getMessage());
                }
            }
        }
    }

    @Override
    public ReplicationStatus status(String applicationId) throws ActuatorFailure {
        HanaApplication app = app(applicationId);
        synchronized (app) {
            Map<String, Fencing> fencing = new HashMap<>();
            Map<String, String> details = new TreeMap<>();
            Map<String, Map<String, String>> subscriptions = new HashMap<>();
            Map<String, Long> backlog = new HashMap<>();
            for (String region : app.remoteSources().keySet()) {
                try (Connection c = connections.open(app.applicationId(), region)) {
                    fencing(c, app).ifPresent(f -> fencing.put(region, f));
                    subscriptions.put(region, subscriptionStates(c, app));
                    backlog.put(region, backlog(c, app));
                    details.put("reachable." + region, "true");
                } catch (SQLException e) {
                    details.put("reachable." + region, "false");
                }
            }
            if (details.values().stream().noneMatch("true"::equals)) {
                throw ActuatorFailure.retriable("NO_DATABASE", "no database of " + applicationId + " answers");
            }
            fencing.forEach((region, f) -> details.put("role." + region, f.role() + "@" + f.epoch()));
            String primary = fencing.entrySet().stream()
                    .filter(e -> "PRIMARY".equals(e.getValue().role()))
                    .max(Map.Entry.comparingByValue((a, b) -> Long.compare(a.epoch(), b.epoch())))
                    .map(Map.Entry::getKey)
                    .orElse(null);
            String target = subscriptions.entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty())
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            Map<String, String> tables = new TreeMap<>();
            boolean applying = false;
            if (target != null) {
                tables.putAll(subscriptions.get(target));
                long applied = tables.values().stream().filter(APPLYING::equals).count();
                applying = applied == tables.size();
                // queued or distributing is not replicating yet: a drain or a promote would wait on a queue
                details.put("subscriptionsApplying." + target, applied + "/" + tables.size());
            }
            details.put("backlogUnit", "messages");
            return new ReplicationStatus(
                    primary,
                    fencing.values().stream().mapToLong(Fencing::epoch).max().orElse(0),
                    applying ? app.other(target) : null,
                    applying ? target : null,
                    applying ? backlog.get(target) : -1,
                    tables,
                    details);
        }
    }

    /**
     * Unknown in bytes: what the subscriptions report ({@code SYS.M_REMOTE_SUBSCRIPTION_STATISTICS}, read here as
     * received minus applied messages) is a count of messages the replica received and has not applied, not
     * their size, and says nothing of what the source committed and has not sent yet. So a drain with a bound
     * is never refused for its size here; the message count goes into the acknowledgement for the record.
     */
    @Override
    public Backlog backlog(String applicationId, String fromRegion, String toRegion) throws ActuatorFailure {
        HanaApplication app = app(applicationId);
        Map<String, String> details = new TreeMap<>();
        try (Connection target = connections.open(app.applicationId(), toRegion)) {
            details.put("backlogMessages", Long.toString(backlog(target, app)));
        } catch (SQLException e) {
            details.put("backlogMessages", "unknown");
        }
        return Backlog.unknown(
                "HANA remote subscriptions report received and not yet applied messages, not bytes", details);
    }

    @Override
    public DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within)
            throws ActuatorFailure {
        HanaApplication app = app(applicationId);
        synchronized (app) {
            return drain(app, fromRegion, toRegion, within);
        }
    }

    private DrainResult drain(HanaApplication app, String from, String to, Duration within) throws ActuatorFailure {
        long deadline = System.nanoTime() + within.toNanos();
        long token = RANDOM.nextLong() & Long.MAX_VALUE;
        try (Connection source = connections.open(app.applicationId(), from)) {
            update(
                    source,
                    "UPSERT " + quote(app.schema()) + "." + quote(MARKER)
                            + " (APPLICATION_ID, SEQ) VALUES (?, ?) WITH PRIMARY KEY",
                    app.applicationId(),
                    token);
        } catch (SQLException e) {
            throw HanaErrors.classify("writing the drain marker on " + from, e);
        }
        try (Connection target = connections.open(app.applicationId(), to)) {
            while (true) {
                long backlog = backlog(target, app);
                Long seen = queryLong(
                        target,
                        "SELECT SEQ FROM " + quote(app.schema()) + "." + quote(MARKER) + " WHERE APPLICATION_ID = ?",
                        app.applicationId());
                if (seen != null && seen == token && backlog == 0) {
                    return new DrainResult(true, 0, Map.of());
                }
                if (System.nanoTime() > deadline) {
                    return new DrainResult(
                            false,
                            Math.max(backlog, 1),
                            Map.of("markerApplied", Boolean.toString(seen != null && seen == token)));
                }
                pause("drain");
            }
        } catch (SQLException e) {
            throw HanaErrors.classify("reading the backlog on " + to, e);
        }
    }

    /**
     * Fence the old primary (a graceful promote goes no further when it cannot), drain it, drop the
     * subscriptions on the new primary, then its fencing row and its grants. Each step reads before it
     * changes, so a retry continues where an earlier attempt stopped; once the new primary's row says
     * PRIMARY only the grants are made sure of.
     */
    @Override
    public ReplicationStatus promote(String applicationId, String region, long epoch, boolean forced, Duration within)
            throws ActuatorFailure {
        HanaApplication app = app(applicationId);
        if (!app.remoteSources().containsKey(region)) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_REGION",
                    region + " is not one of " + applicationId + "'s regions "
                            + new java.util.TreeSet<>(app.remoteSources().keySet()));
        }
        synchronized (app) {
            String old = app.other(region);
            Map<String, String> extra = new TreeMap<>();
            extra.put("promoteMode", forced ? "FORCED" : "GRACEFUL");
            boolean alreadyPrimary;
            try (Connection n = connections.open(app.applicationId(), region)) {
                Optional<Fencing> row = fencing(n, app);
                if (row.isPresent() && row.get().epoch() > epoch) {
                    throw new DataStaleEpochException(row.get().epoch(), epoch);
                }
                alreadyPrimary = row.isPresent() && "PRIMARY".equals(row.get().role());
                // the names are checked before anything changes, not first when the old primary is already fenced
                checkedForSql(app, region, subscriptionStates(n, app).keySet());
            } catch (SQLException e) {
                throw HanaErrors.classify("reading " + region + " before promoting it", e);
            }
            boolean oldFenced = false;
            String oldRoleBefore = null;
            if (alreadyPrimary) {
                extra.put("oldPrimaryFenced", "not needed: " + region + " was already the primary");
            } else {
                try (Connection o = connections.open(app.applicationId(), old)) {
                    Optional<Fencing> before = fencing(o, app);
                    // fenced under this very epoch: by an earlier attempt of this promote, which found it the primary
                    oldRoleBefore = before.map(
                                    f -> "FENCED".equals(f.role()) && f.epoch() == epoch ? "PRIMARY" : f.role())
                            .orElse(null);
                    fence(o, app, epoch, "FENCED");
                    revokeWrites(o, app, tables(o, app));
                    oldFenced = true;
                    extra.put("oldPrimaryFenced", "true");
                } catch (SQLException e) {
                    if (!forced) {
                        throw ActuatorFailure.retriable(
                                HanaErrors.unreachable(e) ? "OLD_PRIMARY_UNREACHABLE" : "OLD_PRIMARY_NOT_FENCED",
                                "a graceful promote opens nothing until " + old
                                        + " is fenced, and it could not be (" + e.getMessage()
                                        + "); the promote is retried, "
                                        + "or the plan can be forced",
                                e);
                    }
                    LOG.warn(
                            "forced promote {} of {}: old primary {} not fenced ({})",
                            region,
                            applicationId,
                            old,
                            e.getMessage());
                    extra.put("oldPrimaryFenced", "false");
                    extra.put("oldPrimaryNotFencedBecause", e.getMessage());
                }
            }
            try (Connection n = connections.open(app.applicationId(), region)) {
                Map<String, String> subscribed = subscriptionStates(n, app);
                if (oldFenced && !subscribed.isEmpty()) {
                    DrainResult d = drain(app, old, region, within);
                    if (!d.complete() && !forced) {
                        throw ActuatorFailure.retriable(
                                "DRAIN_TIMEOUT",
                                d.remaining() + " messages still to "
                                        + "apply on " + region + " when the step's time ran out; "
                                        + reopened(app, old, region, epoch, oldRoleBefore));
                    }
                    extra.put("dataLeftBehindMessages", Long.toString(d.remaining()));
                } else if (!oldFenced && !alreadyPrimary) {
                    extra.put("dataLeftBehind", "unknown: " + old + " did not answer; re-protect reports it");
                }
                if (!subscribed.isEmpty()) {
                    String source = quote(app.remoteSources().get(region));
                    execute(n, "ALTER REMOTE SOURCE " + source + " SUSPEND CAPTURE");
                    for (String subscription : checkedForSql(app, region, subscribed.keySet())) {
                        execute(n, "DROP REMOTE SUBSCRIPTION " + quote(app.schema()) + "." + quote(subscription));
                    }
                    execute(n, "ALTER REMOTE SOURCE " + source + " RESUME CAPTURE");
                }
                fence(n, app, epoch, "PRIMARY");
                grantWrites(n, app, tables(n, app));
            } catch (SQLException e) {
                throw HanaErrors.classify("promoting " + region, e);
            }
            ReplicationStatus status = status(applicationId);
            Map<String, String> details = new TreeMap<>(status.details());
            details.putAll(extra);
            return new ReplicationStatus(
                    status.primaryRegion(),
                    status.fencingEpoch(),
                    status.sourceRegion(),
                    status.targetRegion(),
                    status.backlog(),
                    status.tables(),
                    details);
        }
    }

    /**
     * Subscribes {@code toRegion} to every table of {@code fromRegion}. Each subscription goes {@code CREATED}
     * → {@code QUEUE} → (begin marker passed: {@code MAT_START_END_MARKER}) → rows only {@code toRegion} has
     * kept aside, table reloaded when it differs → {@code DISTRIBUTE} → {@code APPLY_CHANGE_DATA}. Each
     * statement is issued only from the state it starts from, so a retry inside a window waits instead of
     * issuing it again (HANA refuses that). When the subscriptions do not reach {@code APPLY_CHANGE_DATA}
     * within the settle time the status says not replicating yet, and a retry continues.
     *
     * <p>The report (in the details): {@code unreplicatedRows.<table>} and {@code unreplicatedChanges} (rows
     * only {@code toRegion} had, kept in {@code MRM_LOST_<table>_E<epoch>}), {@code reloadedTables}, and per
     * table {@code sourceRows.<table>} / {@code targetRows.<table>}: the record counts of {@code M_CS_TABLES},
     * summed over the table's partitions.
     */
    @Override
    public ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws ActuatorFailure {
        HanaApplication app = app(applicationId);
        Map<String, String> details = new TreeMap<>();
        synchronized (app) {
            try (Connection f = connections.open(app.applicationId(), fromRegion);
                    Connection t = connections.open(app.applicationId(), toRegion)) {
                ensureMarker(f, app);
                ensureMarker(t, app);
                fence(t, app, epoch, "FENCED");
                List<String> tables = tables(f, app);
                revokeWrites(t, app, tables);
                List<String> all = withMarker(tables);
                subscribe(t, app, toRegion, all);
                List<String> subscriptions =
                        all.stream().map(HanaApplication::subscription).toList();
                Map<String, String> states = subscriptionStates(t, app);
                for (String table : all) {
                    if ("CREATED".equals(states.get("SUB_" + table))) {
                        execute(
                                t,
                                "ALTER REMOTE SUBSCRIPTION " + quote(app.schema()) + "." + quote("SUB_" + table)
                                        + " QUEUE");
                    }
                }
                // a table is loaded only once the begin marker has passed: a change committed before it is not queued
                states = await(
                        t,
                        app,
                        subscriptions,
                        state -> !"CREATED".equals(state) && !"MAT_START_BEG_MARKER".equals(state));
                long lost = 0;
                List<String> reloaded = new ArrayList<>();
                for (String table : all) {
                    boolean queuing = "MAT_START_END_MARKER".equals(states.get("SUB_" + table));
                    if (!table.equals(MARKER)) {
                        long only = keptAside(t, app, table, epoch, queuing);
                        if (only > 0) {
                            details.put("unreplicatedRows." + table, Long.toString(only));
                            lost += only;
                        }
                    }
                    if (queuing) {
                        if (reload(t, app, table, epoch)) {
                            reloaded.add(table);
                        }
                        execute(
                                t,
                                "ALTER REMOTE SUBSCRIPTION " + quote(app.schema()) + "." + quote("SUB_" + table)
                                        + " DISTRIBUTE");
                    }
                }
                // one still waiting for its begin marker cannot reach APPLY_CHANGE_DATA in this attempt
                boolean distributedAll = subscriptions.stream()
                        .map(states::get)
                        .noneMatch(state -> "CREATED".equals(state) || "MAT_START_BEG_MARKER".equals(state));
                states = distributedAll ? await(t, app, subscriptions, APPLYING::equals) : subscriptionStates(t, app);
                details.put("unreplicatedChanges", Long.toString(lost));
                details.put("reloadedTables", String.join(",", reloaded));
                for (String table : tables) {
                    details.put("sourceRows." + table, Long.toString(recordCount(f, app, table)));
                    details.put("targetRows." + table, Long.toString(recordCount(t, app, table)));
                }
                Map<String, String> waiting = new TreeMap<>(states);
                waiting.keySet().retainAll(subscriptions);
                waiting.values().removeIf(APPLYING::equals);
                if (!waiting.isEmpty()) {
                    details.put("notYetApplying", waiting.toString());
                }
                fence(t, app, epoch, "REPLICA");
                fence(f, app, epoch, "PRIMARY");
            } catch (SQLException e) {
                throw HanaErrors.classify("re-protecting " + fromRegion + "->" + toRegion, e);
            }
            ReplicationStatus status = status(applicationId);
            details.putAll(status.details());
            return new ReplicationStatus(
                    status.primaryRegion(),
                    status.fencingEpoch(),
                    status.sourceRegion(),
                    status.targetRegion(),
                    status.backlog(),
                    status.tables(),
                    details);
        }
    }

    /** The virtual table, the replica table and the subscription of each table, where missing. */
    private static void subscribe(Connection t, HanaApplication app, String toRegion, List<String> tables)
            throws SQLException {
        String schema = quote(app.schema());
        String source = quote(app.remoteSources().get(toRegion));
        Map<String, String> states = subscriptionStates(t, app);
        for (String table : tables) {
            String vt = "VT_" + table;
            if (count(
                            t,
                            "SELECT COUNT(*) FROM SYS.VIRTUAL_TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?",
                            app.schema(),
                            vt)
                    == 0) {
                execute(
                        t,
                        "CREATE VIRTUAL TABLE " + schema + "." + quote(vt) + " AT " + source + ".\"<NULL>\"." + schema
                                + "." + quote(table));
            }
            if (count(
                            t,
                            "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?",
                            app.schema(),
                            table)
                    == 0) {
                execute(t, "CREATE COLUMN TABLE " + schema + "." + quote(table) + " LIKE " + schema + "." + quote(vt));
            }
            if (!states.containsKey("SUB_" + table)) {
                execute(
                        t,
                        "CREATE REMOTE SUBSCRIPTION " + schema + "." + quote("SUB_" + table) + " ON " + schema + "."
                                + quote(vt) + " TARGET TABLE " + schema + "." + quote(table));
            }
        }
    }

    /**
     * The rows only the replica has (what its old primary committed and never sent), kept aside in
     * {@code MRM_LOST_<table>_E<epoch>} while the table is about to be reloaded; a retry that finds that
     * table reports what it holds, whatever state the subscription reached since.
     */
    private static long keptAside(Connection t, HanaApplication app, String table, long epoch, boolean queuing)
            throws SQLException {
        String schema = quote(app.schema());
        String kept = HanaApplication.identifier("lost-rows table", "MRM_LOST_" + table + "_E" + epoch);
        if (count(t, "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?", app.schema(), kept)
                > 0) {
            return count(t, "SELECT COUNT(*) FROM " + schema + "." + quote(kept));
        }
        if (!queuing) {
            return 0;
        }
        long only = count(
                t,
                "SELECT COUNT(*) FROM (SELECT * FROM " + schema + "." + quote(table) + " EXCEPT SELECT * FROM " + schema
                        + "." + quote("VT_" + table) + ")");
        if (only > 0) {
            execute(
                    t,
                    "CREATE COLUMN TABLE " + schema + "." + quote(kept) + " AS (SELECT * FROM " + schema + "."
                            + quote(table) + " EXCEPT SELECT * FROM " + schema + "." + quote("VT_" + table) + ")");
        }
        return only;
    }

    /**
     * Changes are queued from now on; the table is reloaded from the primary only when it differs from it
     * (a replica that was in sync when its primary was lost is not copied again).
     */
    private static boolean reload(Connection t, HanaApplication app, String table, long epoch) throws SQLException {
        String schema = quote(app.schema());
        boolean kept = count(
                        t,
                        "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?",
                        app.schema(),
                        "MRM_LOST_" + table + "_E" + epoch)
                > 0;
        if (!kept && !table.equals(MARKER) && !differs(t, schema, quote(table), quote("VT_" + table))) {
            return false;
        }
        execute(t, "DELETE FROM " + schema + "." + quote(table));
        execute(
                t,
                "INSERT INTO " + schema + "." + quote(table) + " SELECT * FROM " + schema + "." + quote("VT_" + table));
        return true;
    }

    /**
     * Polls the subscriptions' states until each is {@code done} or the settle time has passed, and returns
     * the last states read. A subscription with an entry in {@code REMOTE_SUBSCRIPTION_EXCEPTIONS} does not
     * move until someone processes it: that fails the command at once, fatally.
     */
    private Map<String, String> await(
            Connection t, HanaApplication app, List<String> subscriptions, java.util.function.Predicate<String> done)
            throws SQLException, ActuatorFailure {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Map<String, String> states = subscriptionStates(t, app);
            failOnException(t, app, subscriptions);
            if (subscriptions.stream().allMatch(s -> done.test(states.get(s))) || System.nanoTime() - deadline > 0) {
                return states;
            }
            pause("waiting for the remote subscriptions");
        }
    }

    private static void failOnException(Connection t, HanaApplication app, List<String> subscriptions)
            throws SQLException, ActuatorFailure {
        try (PreparedStatement ps = t.prepareStatement("SELECT OBJECT_NAME, ERROR_NUMBER, ERROR_MESSAGE FROM"
                        + " SYS.REMOTE_SUBSCRIPTION_EXCEPTIONS WHERE OBJECT_TYPE = 'REMOTE SUBSCRIPTION'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (subscriptions.contains(rs.getString(1))) {
                    throw ActuatorFailure.fatal(
                            "SUBSCRIPTION_EXCEPTION",
                            "remote subscription "
                                    + app.schema() + "." + rs.getString(1) + " stopped on error " + rs.getLong(2) + " ("
                                    + printable(rs.getString(3))
                                    + "); it moves on only once the exception is processed "
                                    + "(PROCESS REMOTE SUBSCRIPTION EXCEPTION ... RETRY or IGNORE), then retry");
                }
            }
        }
    }

    /** A table's record count: M_CS_TABLES has one row per partition, so the rows are summed. */
    private static long recordCount(Connection c, HanaApplication app, String table) throws SQLException {
        return count(
                c,
                "SELECT COALESCE(SUM(RECORD_COUNT), 0) FROM SYS.M_CS_TABLES WHERE SCHEMA_NAME = ?"
                        + " AND TABLE_NAME = ?",
                app.schema(),
                table);
    }

    private void pause(String doing) throws ActuatorFailure {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActuatorFailure.retriable("INTERRUPTED", doing + " interrupted", e);
        }
    }

    @Override
    public FenceResult fence(String applicationId, String region, long epoch, Duration within) throws ActuatorFailure {
        HanaApplication app = app(applicationId);
        if (!app.remoteSources().containsKey(region)) {
            throw FenceFailure.UNKNOWN_REGION.exception(
                    region + " is not one of " + applicationId + "'s regions "
                            + new java.util.TreeSet<>(app.remoteSources().keySet()),
                    null);
        }
        HanaFence fence = new HanaFence(app, region, epoch, within, connections); // the bound starts before the lock
        synchronized (app) {
            FenceResult result = fence.run();
            if (result.changed()) {
                LOG.info("fenced {}'s database of {} at epoch {}", region, applicationId, epoch);
            }
            return result;
        }
    }

    /**
     * A graceful promote that fenced the old primary but cannot drain it promotes nothing, so it gives the
     * application its database back (as the PostgreSQL backend does) rather than leave both closed until a
     * retry or an operator comes: the old primary takes the role PRIMARY again under the same epoch and its
     * writes are granted. The next attempt fences it again. Returns what happened, for the ack.
     */
    private String reopened(HanaApplication app, String old, String region, long epoch, String roleBefore) {
        if (!"PRIMARY".equals(roleBefore)) {
            return old + " was " + roleBefore + " before and stays closed; " + region + " was not promoted";
        }
        try (Connection o = connections.open(app.applicationId(), old)) {
            fence(o, app, epoch, "PRIMARY");
            grantWrites(o, app, tables(o, app));
            LOG.warn(
                    "graceful promote of {} for {}: drain timed out; {} is open to the application again",
                    region,
                    app.applicationId(),
                    old);
            return old + " is open to the application again; " + region + " was not promoted";
        } catch (SQLException | ActuatorFailure e) {
            LOG.error(
                    "graceful promote of {} for {}: re-opening {} failed: {}",
                    region,
                    app.applicationId(),
                    old,
                    e.getMessage());
            return old + " stays fenced and " + region + " was not promoted: re-opening " + old + " failed too ("
                    + e.getMessage() + ")";
        }
    }

    record Fencing(long epoch, String role) {}

    static Optional<Fencing> fencing(Connection c, HanaApplication app) throws SQLException {
        if (count(c, "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?", "MRM", "FENCING")
                == 0) {
            return Optional.empty();
        }
        try (PreparedStatement ps =
                c.prepareStatement("SELECT EPOCH, ROLE FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = ?")) {
            ps.setString(1, app.applicationId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Fencing(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The conditional update: the role changes only where the stored epoch is not higher. */
    static void fence(Connection c, HanaApplication app, long epoch, String role)
            throws SQLException, DataStaleEpochException {
        if (count(c, "SELECT COUNT(*) FROM SYS.SCHEMAS WHERE SCHEMA_NAME = ?", "MRM") == 0) {
            execute(c, "CREATE SCHEMA \"MRM\"");
        }
        if (count(c, "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?", "MRM", "FENCING")
                == 0) {
            execute(
                    c,
                    "CREATE COLUMN TABLE \"MRM\".\"FENCING\" (APPLICATION_ID NVARCHAR(256) PRIMARY KEY,"
                            + " EPOCH BIGINT NOT NULL, ROLE NVARCHAR(16) NOT NULL)");
        }
        int updated = update(
                c,
                "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?",
                epoch,
                role,
                app.applicationId(),
                epoch);
        if (updated == 0) {
            updated = update(
                    c,
                    "INSERT INTO \"MRM\".\"FENCING\" (APPLICATION_ID, EPOCH, ROLE) SELECT ?, ?, ? FROM DUMMY"
                            + " WHERE NOT EXISTS (SELECT 1 FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = ?)",
                    app.applicationId(),
                    epoch,
                    role,
                    app.applicationId());
        }
        if (updated == 0) {
            throw new DataStaleEpochException(
                    fencing(c, app).map(Fencing::epoch).orElse(0L), epoch);
        }
    }

    private static void ensureMarker(Connection c, HanaApplication app) throws SQLException {
        if (count(c, "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?", app.schema(), MARKER)
                == 0) {
            execute(
                    c,
                    "CREATE COLUMN TABLE " + quote(app.schema()) + "." + quote(MARKER)
                            + " (APPLICATION_ID NVARCHAR(256) PRIMARY KEY, SEQ BIGINT NOT NULL)");
        }
    }

    /**
     * The configured tables, or every column table of the schema, read page by page. DISTINCT: M_CS_TABLES
     * has a row per partition, and a partitioned table is still one table to subscribe.
     */
    static List<String> tables(Connection c, HanaApplication app) throws SQLException {
        if (!app.tables().isEmpty()) {
            return app.tables();
        }
        List<String> tables = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            int read = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT TABLE_NAME FROM SYS.M_CS_TABLES WHERE SCHEMA_NAME = ? ORDER BY TABLE_NAME LIMIT ? OFFSET ?")) {
                ps.setString(1, app.schema());
                ps.setInt(2, PAGE);
                ps.setInt(3, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        read++;
                        String name = rs.getString(1);
                        if (!name.equals(MARKER) && !name.startsWith("MRM_LOST_") && !name.startsWith("VT_")) {
                            // a name this service cannot quote safely is refused, not skipped
                            tables.add(HanaApplication.identifier("table in " + app.schema(), name));
                        }
                    }
                }
            }
            if (read < PAGE) {
                return tables;
            }
        }
    }

    private static List<String> withMarker(List<String> tables) {
        List<String> all = new ArrayList<>(tables);
        all.add(MARKER);
        return all;
    }

    /** Subscription name → state, for this application's schema. */
    private static Map<String, String> subscriptionStates(Connection c, HanaApplication app) throws SQLException {
        Map<String, String> states = new TreeMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT SUBSCRIPTION_NAME FROM SYS.REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, app.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getString(1), "CREATED");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT SUBSCRIPTION_NAME, STATE FROM SYS.M_REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, app.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (states.containsKey(rs.getString(1))) {
                        states.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return states;
    }

    /**
     * Subscription names read from a database's catalog, before they go into SQL text (a DROP): each must
     * be an identifier as {@link HanaApplication#identifier} defines it. The catalog is not trusted to hold
     * only names this service made ({@code SUB_<table>}): whoever may create a subscription in the schema
     * could name one {@code X" CASCADE; ...}. Such a name refuses the command (fatal: a person must rename
     * or drop that subscription) instead of being skipped, since a promote that leaves a subscription in
     * place would leave the new primary's table still written by replication.
     */
    static List<String> checkedForSql(HanaApplication app, String region, java.util.Collection<String> names)
            throws ActuatorFailure {
        for (String name : names) {
            try {
                HanaApplication.identifier("remote subscription", name);
            } catch (IllegalArgumentException e) {
                throw ActuatorFailure.fatal(
                        "UNSAFE_SUBSCRIPTION_NAME",
                        "SYS.REMOTE_SUBSCRIPTIONS in "
                                + region + " lists a remote subscription of schema " + app.schema() + " named "
                                + printable(name)
                                + ", which is not an identifier this service puts into SQL (upper-case "
                                + "letters, digits and _, starting with a letter, at most 120 characters); no subscription "
                                + "was dropped: rename or drop that one by hand, then retry");
            }
        }
        return List.copyOf(names);
    }

    /** A name from the database as it may be shown in an ack or a log: quoted, control characters escaped, short. */
    private static String printable(String name) {
        if (name == null) {
            return "(null)";
        }
        StringBuilder out = new StringBuilder("'");
        name.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(name.codePointCount(0, name.length()) > 80 ? "...'" : "'")
                .toString();
    }

    /** Messages received and not yet applied, summed over the schema's subscriptions (a sum: COUNT would count rows). */
    private static long backlog(Connection c, HanaApplication app) throws SQLException {
        Long backlog = queryLong(
                c,
                "SELECT COALESCE(SUM(RECEIVED_MESSAGE_COUNT - APPLIED_MESSAGE_COUNT), 0)"
                        + " FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS WHERE SCHEMA_NAME = ?",
                app.schema());
        return backlog == null ? 0 : backlog;
    }

    static void revokeWrites(Connection c, HanaApplication app, List<String> tables) throws SQLException {
        for (String table : tables) {
            if (count(
                            c,
                            "SELECT COUNT(*) FROM SYS.GRANTED_PRIVILEGES WHERE GRANTEE = ? AND SCHEMA_NAME = ?"
                                    + " AND OBJECT_NAME = ? AND PRIVILEGE = 'INSERT'",
                            app.appRole(),
                            app.schema(),
                            table)
                    > 0) {
                execute(
                        c,
                        "REVOKE INSERT, UPDATE, DELETE ON " + quote(app.schema()) + "." + quote(table) + " FROM "
                                + quote(app.appRole()));
            }
        }
    }

    private static void grantWrites(Connection c, HanaApplication app, List<String> tables) throws SQLException {
        for (String table : tables) {
            if (count(
                            c,
                            "SELECT COUNT(*) FROM SYS.GRANTED_PRIVILEGES WHERE GRANTEE = ? AND SCHEMA_NAME = ?"
                                    + " AND OBJECT_NAME = ? AND PRIVILEGE = 'INSERT'",
                            app.appRole(),
                            app.schema(),
                            table)
                    == 0) {
                execute(
                        c,
                        "GRANT INSERT, UPDATE, DELETE ON " + quote(app.schema()) + "." + quote(table) + " TO "
                                + quote(app.appRole()));
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    /** Whether the replica table lacks rows of the primary's, or holds a different number of rows. */
    private static boolean differs(Connection t, String schema, String table, String vt) throws SQLException {
        return count(
                                t,
                                "SELECT COUNT(*) FROM (SELECT * FROM " + schema + "." + vt + " EXCEPT SELECT * FROM "
                                        + schema + "." + table + ")")
                        > 0
                || count(t, "SELECT COUNT(*) FROM " + schema + "." + table)
                        != count(t, "SELECT COUNT(*) FROM " + schema + "." + vt);
    }

    static long count(Connection c, String sql, Object... params) throws SQLException {
        Long value = queryLong(c, sql, params);
        return value == null ? 0 : value;
    }

    private static Long queryLong(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private HanaApplication app(String applicationId) throws ActuatorFailure {
        HanaApplication app = applications.get(applicationId);
        if (app == null) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_APPLICATION", "application " + applicationId + " is not configured under mrm.data.hana");
        }
        return app;
    }

    @Override
    public void close() {
        // connections are opened per command
    }
}
