package io.mrm.hana.adapter.postgres;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Fencing;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Role;
import io.mrm.hana.domain.Backlog;
import io.mrm.hana.domain.DataReplication;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.ReplicationStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication between two PostgreSQL databases per application: Debezium embedded reads the
 * primary's logical replication slot ({@code pgoutput}) and this service applies the changes to the
 * standby (see {@link ChangeApplier} for ordering and durable positions).
 *
 * <p><b>Drain</b> is exact: it commits a marker row on the primary synchronously and waits until the
 * standby shows that marker's token (see {@link ReplicationSchema#writeMarker}); by then everything
 * committed before the drain began is applied, however it committed. It needs a capture running, here or
 * in another instance, not this instance's own.
 *
 * <p><b>Promote</b>: see {@link #promote}: a resumable sequence (fence, drain, open, drop the drained
 * slot) whose progress is read from the databases, graceful or forced.
 *
 * <p><b>Ownership</b>: with several instances, each application's capture runs where {@link #own} puts
 * it; a capture that starts takes its pipeline over in the target database, and each batch is written
 * only by the owner named there (see {@link ChangeApplier}). Everything else is read from the databases.
 *
 * <p><b>Re-protect</b> fences the old primary if it was not, then reads what it committed that the new
 * primary never applied, from its old slot and the position the new primary stored, into
 * {@code mrm.unreplicated_change} on the new primary (the report), resets those rows to the new
 * primary's version, and starts replicating from the slot created at promote.
 *
 * <p><b>Fence</b> does promote's fencing of the old primary on its own (see {@link PostgresFence}), for
 * the region a forced failover left: it leaves the old slot for re-protect.
 */
public final class PostgresDebeziumReplication implements DataReplication, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDebeziumReplication.class);
    private static final Duration REPORT_DRAIN = Duration.ofSeconds(60);

    private final Map<String, PostgresApplication> applications = new LinkedHashMap<>();
    private final Map<String, CdcPipeline> pipelines = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> lastDetails = new ConcurrentHashMap<>();
    private final ReplicationLagListener lag;
    /** The applications whose capture this instance runs; null: all of them (one instance, or no Kafka). */
    private volatile Set<String> owned;

    /**
     * Applications whose databases call for no capture now, with why: after a promote, the old primary is not a
     * replica until re-protect makes it one. Readiness does not wait for a capture nobody should run.
     */
    private final Map<String, String> unprotected = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile boolean waitingForAssignment;

    public PostgresDebeziumReplication(List<PostgresApplication> applications, ReplicationLagListener lag) {
        applications.forEach(a -> this.applications.put(a.applicationId(), a));
        this.lag = lag;
    }

    public PostgresDebeziumReplication(List<PostgresApplication> applications) {
        this(applications, (committed, applied) -> {});
    }

    /**
     * From now on this instance runs the capture of these applications only (those whose commands it
     * consumes), and stops the others'. Called with no application before {@link #start()} when several
     * instances share the work: each application's capture then has one owner, the instance its command
     * partition is assigned to. A capture started here takes the pipeline over in the target database
     * ({@code mrm.replication_owner}), so a previous owner that has not noticed yet cannot apply a batch
     * after it.
     */
    public void own(Set<String> applicationIds) {
        Set<String> now = Set.copyOf(applicationIds);
        owned = now;
        waitingForAssignment = false;
        for (PostgresApplication app : applications.values()) {
            synchronized (app) {
                if (now.contains(app.applicationId())) {
                    try {
                        resume(app);
                    } catch (SQLException | RuntimeException e) {
                        LOG.warn("replication of {} not resumed: {}", app.applicationId(), e.getMessage());
                    }
                } else {
                    CdcPipeline p = pipelines.remove(app.applicationId());
                    if (p != null) {
                        p.close();
                        LOG.info(
                                "replication {} stopped here: another instance owns {} now",
                                p.id(),
                                app.applicationId());
                    }
                }
            }
        }
    }

    /**
     * Runs no capture until {@link #own} is first called, and is not ready before: for an instance
     * that learns from its command partitions which applications are its own.
     */
    public void awaitAssignment() {
        waitingForAssignment = true;
        owned = Set.of();
    }

    /** The configured applications. */
    public Set<String> applicationIds() {
        return Set.copyOf(applications.keySet());
    }

    private boolean owns(PostgresApplication app) {
        Set<String> o = owned;
        return o == null || o.contains(app.applicationId());
    }

    /** Sets up each application's databases and starts its capture; a database that is down is retried by the next command. */
    public void start() {
        for (PostgresApplication app : applications.values()) {
            synchronized (app) {
                try {
                    bootstrap(app);
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("replication of {} not started: {}", app.applicationId(), e.getMessage());
                }
            }
        }
    }

    /**
     * True when the capture of every application this instance owns runs and has started reading, or calls for
     * none (its standby is not a replica: after a promote, until re-protect).
     */
    public boolean ready() {
        if (waitingForAssignment) {
            return false;
        }
        Set<String> o = owned;
        return applications.keySet().stream()
                .filter(a -> o == null || o.contains(a))
                .allMatch(a -> unprotected.containsKey(a)
                        || (pipelines.containsKey(a) && pipelines.get(a).ready()));
    }

    /** The applications whose standby is not protected now (no capture called for), with why. */
    public Map<String, String> unprotected() {
        return new TreeMap<>(unprotected);
    }

    /** The pipelines that stopped on an error, with the reason. */
    public Map<String, String> failures() {
        Map<String, String> failures = new TreeMap<>();
        pipelines.forEach((app, p) -> {
            if (p.failure() != null) {
                failures.put(app, p.failure());
            }
        });
        return failures;
    }

    private void bootstrap(PostgresApplication app) throws SQLException {
        Map<String, Optional<Fencing>> fencing = new HashMap<>();
        for (PostgresRegion region : app.regions().values()) {
            try (Connection c = region.connect()) {
                ReplicationSchema.ensure(c, app);
                fencing.put(region.region(), ReplicationSchema.fencing(c, app.applicationId()));
            }
        }
        if (fencing.values().stream().allMatch(Optional::isEmpty)) {
            String primary = app.initialPrimary();
            String standby = app.other(primary);
            boolean copy;
            try (Connection p = app.region(primary).connect();
                    Connection s = app.region(standby).connect()) {
                ReplicationSchema.revokeWrites(s, app.appRole(), app.tables());
                // an empty standby of a primary that holds data gets a first copy: Debezium creates the slot
                // with an exported snapshot, copies the tables as of that point and streams from it, so no
                // change falls between copy and stream and none is applied twice. A standby that holds rows
                // is taken to be a copy already.
                copy = ReplicationSchema.anyRows(p, app.tables()) && !ReplicationSchema.anyRows(s, app.tables());
                if (copy) {
                    ReplicationSchema.initialCopy(s, pipelineId(app, primary, standby), "PENDING");
                }
                ReplicationSchema.initialFencing(s, app.applicationId(), Role.REPLICA);
                if (!copy) {
                    ReplicationSchema.createSlot(p, app.slotName(standby));
                }
                ReplicationSchema.initialFencing(p, app.applicationId(), Role.PRIMARY);
                ReplicationSchema.grantWrites(p, app.appRole(), app.tables());
            }
            LOG.info(
                    "replication of {} set up: {} primary, {} standby{}",
                    app.applicationId(),
                    primary,
                    standby,
                    copy ? " (copying the primary's tables first)" : "");
        }
        resume(app);
    }

    /** Starts the capture the fencing rows call for, if it is not running. */
    private void resume(PostgresApplication app) throws SQLException {
        if (!owns(app)) {
            return;
        }
        Map<String, Fencing> rows = new HashMap<>();
        for (PostgresRegion region : app.regions().values()) {
            try (Connection c = region.connect()) {
                ReplicationSchema.fencing(c, app.applicationId()).ifPresent(f -> rows.put(region.region(), f));
            }
        }
        String primary = primary(rows);
        if (primary == null) {
            return;
        }
        String standby = app.other(primary);
        Fencing s = rows.get(standby);
        if (s == null || s.role() != Role.REPLICA) {
            unprotected.put(
                    app.applicationId(),
                    standby + " is not a replica of " + primary + " (" + (s == null ? "no role" : s.role())
                            + "): no capture until re-protect");
            return;
        }
        unprotected.remove(app.applicationId());
        CdcPipeline running = pipelines.get(app.applicationId());
        if (running == null || running.stopped()) {
            startPipeline(app, primary, standby, null);
        }
    }

    private CdcPipeline startPipeline(PostgresApplication app, String from, String to, String recordFor)
            throws SQLException {
        CdcPipeline old = pipelines.remove(app.applicationId());
        if (old != null) {
            old.close();
        }
        String id = pipelineId(app, from, to);
        boolean copy = false;
        try (Connection t = app.region(to).connect()) {
            ReplicationSchema.ensure(t, app);
            copy = recordFor == null && ReplicationSchema.initialCopyPending(t, id);
            if (copy) {
                try (Connection f = app.region(from).connect()) {
                    if (ReplicationSchema.slotExists(f, app.slotName(to))) {
                        // a copy that was cut off: start it again from an empty standby and a new slot
                        ReplicationSchema.dropSlot(f, app.slotName(to));
                        ReplicationSchema.truncate(t, app.tables());
                        ReplicationSchema.forgetPosition(t, id);
                        LOG.warn("replication {}: the first copy was interrupted; copying again", id);
                    }
                }
            }
        }
        CdcPipeline p = new CdcPipeline(
                app.applicationId(),
                app.region(from),
                app.region(to),
                app.slotName(to),
                app.publication(),
                app.replicatedTables(),
                lag,
                recordFor,
                copy);
        // this capture owns the pipeline from now on; whoever read the slot before is cut off
        try (Connection t = app.region(to).connect()) {
            ReplicationSchema.takeOwnership(t, p.id(), p.owner());
        }
        try (Connection f = app.region(from).connect()) {
            ReplicationSchema.endSlotReader(f, app.slotName(to));
        }
        if (recordFor == null) {
            pipelines.put(app.applicationId(), p);
            unprotected.remove(app.applicationId());
        }
        p.start();
        LOG.info("replication {} started{}", p.id(), recordFor == null ? "" : " (recording unreplicated changes)");
        return p;
    }

    static String pipelineId(PostgresApplication app, String from, String to) {
        return CdcPipeline.id(app.applicationId(), from, to);
    }

    /**
     * The primary, when the standby is its replica and someone reads the slot that feeds it; else null.
     * What every instance can tell from the databases alone, whichever runs the capture.
     */
    private static String streamingElsewhere(PostgresApplication app, Map<String, Fencing> rows) {
        String primary = primary(rows);
        if (primary == null) {
            return null;
        }
        Fencing standby = rows.get(app.other(primary));
        if (standby == null || standby.role() != Role.REPLICA) {
            return null;
        }
        try (Connection c = app.region(primary).connect()) {
            return ReplicationSchema.slot(c, app.slotName(app.other(primary)))
                            .filter(ReplicationSchema.Slot::active)
                            .isPresent()
                    ? primary
                    : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private CdcPipeline startCapture(PostgresApplication app, String from, String to) throws ActuatorFailure {
        try {
            return startPipeline(app, from, to, null);
        } catch (SQLException e) {
            throw PostgresErrors.classify("starting the capture " + from + "->" + to, e);
        }
    }

    private static String primary(Map<String, Fencing> rows) {
        return rows.entrySet().stream()
                .filter(e -> e.getValue().role() == Role.PRIMARY)
                .max(Map.Entry.comparingByValue((a, b) -> Long.compare(a.epoch(), b.epoch())))
                .map(Map.Entry::getKey)
                .orElse(null);
    }

    @Override
    public ReplicationStatus status(String applicationId) throws ActuatorFailure {
        PostgresApplication app = app(applicationId);
        synchronized (app) {
            try {
                CdcPipeline p = pipelines.get(applicationId);
                if (p == null || p.stopped()) {
                    resume(app); // a capture that stopped on an error resumes from its stored position
                }
            } catch (SQLException e) {
                LOG.debug("cannot resume replication of {}: {}", applicationId, e.getMessage());
            }
            return read(app);
        }
    }

    private ReplicationStatus read(PostgresApplication app) throws ActuatorFailure {
        Map<String, Fencing> rows = new HashMap<>();
        Map<String, String> details = new TreeMap<>(lastDetails.getOrDefault(app.applicationId(), Map.of()));
        for (PostgresRegion region : app.regions().values()) {
            try (Connection c = region.connect()) {
                ReplicationSchema.fencing(c, app.applicationId()).ifPresent(f -> rows.put(region.region(), f));
                details.put("reachable." + region.region(), "true");
                for (String other : app.regions().keySet()) {
                    // a slot nobody reads keeps WAL on this database until its disk fills (or, with
                    // max_slot_wal_keep_size, until PostgreSQL gives it up): say how much, and its state
                    String key = region.region() + "." + app.slotName(other);
                    ReplicationSchema.slot(c, app.slotName(other)).ifPresent(slot -> {
                        details.put("retainedWalBytes." + key, Long.toString(slot.retainedWal()));
                        details.put("slotWalStatus." + key, slot.walStatus());
                    });
                }
                details.put(
                        "maxSlotWalKeepSize." + region.region(),
                        ReplicationSchema.setting(c, "max_slot_wal_keep_size"));
            } catch (SQLException e) {
                details.put("reachable." + region.region(), "false");
            }
        }
        rows.forEach((region, f) -> details.put("role." + region, f.role() + "@" + f.epoch()));
        if (rows.isEmpty()) {
            throw ActuatorFailure.retriable(
                    "NO_DATABASE", "no database of " + app.applicationId() + " answers or none is set up");
        }
        long epoch = rows.values().stream().mapToLong(Fencing::epoch).max().orElse(0);
        CdcPipeline p = pipelines.get(app.applicationId());
        String from = null;
        String to = null;
        long backlog = -1;
        if (p != null && !p.stopped()) {
            from = p.sourceRegion();
            to = p.targetRegion();
            details.put("capture", p.ready() ? "STREAMING" : "STARTING");
        } else {
            if (p != null && p.failure() != null) {
                details.put("capture", "FAILED: " + p.failure());
            }
            // not captured here: the databases say whether another instance replicates
            String streaming = streamingElsewhere(app, rows);
            if (streaming != null) {
                from = streaming;
                to = app.other(streaming);
                details.put("capture", "STREAMING (another instance)");
            }
        }
        if (from != null) {
            try (Connection s = app.region(from).connect();
                    Connection t = app.region(to).connect()) {
                long current = ReplicationSchema.currentLsn(s);
                long applied = ReplicationSchema.appliedLsn(t, pipelineId(app, from, to));
                backlog = applied < 0 ? -1 : Math.max(0, current - applied);
                details.put("sourceLsn", Long.toString(current));
                details.put("appliedLsn", Long.toString(applied));
            } catch (SQLException e) {
                details.put("backlogError", e.getSQLState() == null ? "UNKNOWN" : e.getSQLState());
            }
        }
        details.put("backlogUnit", "walBytes");
        Map<String, String> tables = new TreeMap<>();
        String state = from != null ? "REPLICATING" : "NOT_REPLICATING";
        app.tables().forEach(t -> tables.put(t.toString(), state));
        return new ReplicationStatus(primary(rows), epoch, from, to, backlog, tables, details);
    }

    @Override
    public DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within)
            throws ActuatorFailure {
        PostgresApplication app = app(applicationId);
        requireRegions(app, fromRegion, toRegion);
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (app) {
            CdcPipeline p = pipelines.get(applicationId);
            if (p != null
                    && !p.stopped()
                    && p.sourceRegion().equals(fromRegion)
                    && p.targetRegion().equals(toRegion)) {
                return drain(app, fromRegion, toRegion, () -> p.stopped() ? p.failure() : null, deadline);
            }
            // the marker is applied by whoever runs the capture, here or in another instance
            if (captureAlive(app, fromRegion, toRegion) == null) {
                return drain(app, fromRegion, toRegion, () -> captureAlive(app, fromRegion, toRegion), deadline);
            }
            throw ActuatorFailure.retriable("NOT_REPLICATING", "nothing replicates " + fromRegion + "->" + toRegion);
        }
    }

    /**
     * WAL bytes between the source's insert position ({@code pg_current_wal_insert_lsn()}, the position
     * {@link ReplicationSchema#writeMarker} and the status use) and the last source position the target has
     * applied ({@code mrm.replication_offset}); before the target applied anything, the slot's confirmed
     * position. The same measure as the status's {@code backlog} and a forced promote's
     * {@code dataLeftBehindWalBytes}. WAL of the whole server counts, not only the application's tables: the
     * capture decodes all of it, so it is what a drain has to get through. Reads only; a database that does
     * not answer makes it unknown (the drain then meets that itself).
     */
    @Override
    public Backlog backlog(String applicationId, String fromRegion, String toRegion) throws ActuatorFailure {
        PostgresApplication app = app(applicationId);
        requireRegions(app, fromRegion, toRegion);
        Map<String, String> details = new TreeMap<>();
        try (Connection s = app.region(fromRegion).connect();
                Connection t = app.region(toRegion).connect()) {
            long current = ReplicationSchema.currentLsn(s);
            long applied = ReplicationSchema.appliedLsn(t, pipelineId(app, fromRegion, toRegion));
            details.put("backlogFromLsn", Long.toString(current));
            if (applied >= 0) {
                details.put("backlogToLsn", Long.toString(applied));
                return Backlog.measured(
                        Math.max(0, current - applied),
                        "WAL bytes from " + fromRegion + "'s insert position to the last position " + toRegion
                                + " applied",
                        details);
            }
            long confirmed = ReplicationSchema.confirmedFlushLsn(s, app.slotName(toRegion));
            if (confirmed >= 0) {
                details.put("backlogToLsn", Long.toString(confirmed));
                return Backlog.measured(
                        Math.max(0, current - confirmed),
                        "WAL bytes from " + fromRegion + "'s insert position to the position its slot "
                                + app.slotName(toRegion) + " confirmed",
                        details);
            }
            return Backlog.unknown(
                    toRegion + " has applied nothing yet and no slot feeding it has a confirmed " + "position",
                    details);
        } catch (SQLException e) {
            return Backlog.unknown("not measured: " + e.getMessage(), details);
        }
    }

    /**
     * Commits a marker on the source (synchronously, see {@link ReplicationSchema#writeMarker}) and waits
     * until the target has applied it: then everything the source committed before the marker is
     * applied, however the application's transactions committed.
     */
    /** Why nothing reads the slot feeding {@code to} (null while a capture, here or elsewhere, streams). */
    private String captureAlive(PostgresApplication app, String from, String to) {
        try (Connection c = app.region(from).connect()) {
            Optional<ReplicationSchema.Slot> slot = ReplicationSchema.slot(c, app.slotName(to));
            return slot.isEmpty()
                    ? "no slot feeds " + to
                    : slot.get().active() ? null : "no capture reads " + app.slotName(to);
        } catch (SQLException e) {
            return from + " does not answer: " + e.getMessage();
        }
    }

    @FunctionalInterface
    private interface CaptureCheck {
        /** Why the capture stopped, or null while it runs. */
        String stopped();
    }

    private DrainResult drain(PostgresApplication app, CdcPipeline p, long deadline) throws ActuatorFailure {
        return drain(app, p.sourceRegion(), p.targetRegion(), () -> p.stopped() ? p.failure() : null, deadline);
    }

    private DrainResult drain(PostgresApplication app, String from, String to, CaptureCheck capture, long deadline)
            throws ActuatorFailure {
        String id = pipelineId(app, from, to);
        ReplicationSchema.DrainMark mark;
        try (Connection s = app.region(from).connect()) {
            mark = ReplicationSchema.writeMarker(s, app.applicationId());
        } catch (SQLException e) {
            throw PostgresErrors.classify("writing the drain marker on " + from, e);
        }
        long nextCheck = 0;
        try (Connection t = app.region(to).connect()) {
            while (true) {
                if (ReplicationSchema.markerApplied(t, app.applicationId(), mark.token())) {
                    return new DrainResult(
                            true,
                            0,
                            Map.of(
                                    "drainedToLsn",
                                    Long.toString(mark.lsn()),
                                    "appliedLsn",
                                    Long.toString(ReplicationSchema.appliedLsn(t, id))));
                }
                if (System.nanoTime() > nextCheck) {
                    String stopped = capture.stopped();
                    if (stopped != null) {
                        throw ActuatorFailure.retriable(
                                "CAPTURE_STOPPED", "replication " + id + " stopped: " + stopped);
                    }
                    nextCheck = System.nanoTime() + 500_000_000L;
                }
                if (System.nanoTime() > deadline) {
                    long applied = ReplicationSchema.appliedLsn(t, id);
                    // the marker itself is still to apply, so at least one byte remains
                    return new DrainResult(
                            false,
                            applied < 0 ? -1 : Math.max(1, mark.lsn() - applied),
                            Map.of("drainTargetLsn", Long.toString(mark.lsn()), "appliedLsn", Long.toString(applied)));
                }
                ReplicationSchema.pause();
            }
        } catch (SQLException e) {
            throw PostgresErrors.classify("reading " + to + "'s applied position", e);
        }
    }

    /**
     * A resumable sequence whose progress lives in the databases: fence the old primary (its fencing
     * row, the REVOKE, its sessions gone), drain it (restarting the capture from the position stored in
     * the new primary when it is not running, e.g. after a restart between fence and ack), stop the
     * capture, open the new primary (reverse slot first, then its fencing row, then the grant), and only
     * then drop the old slot, and only when the drain was proven. Every step is idempotent, so a retry
     * picks up where an earlier attempt stopped.
     *
     * <p>Graceful: without a fenced and drained old primary it fails (retriably when a retry can cure
     * it) and opens nothing. Forced: it fences and drains what answers in time, opens the new primary
     * anyway, and records what it could not do; the old slot is then kept, for re-protect's report.
     */
    @Override
    public ReplicationStatus promote(String applicationId, String region, long epoch, boolean forced, Duration within)
            throws ActuatorFailure {
        PostgresApplication app = app(applicationId);
        requireRegions(app, region);
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (app) {
            String old = app.other(region);
            Map<String, String> details = new TreeMap<>();
            details.put("promoteMode", forced ? "FORCED" : "GRACEFUL");
            Optional<Fencing> target;
            try (Connection n = app.region(region).connect()) {
                ReplicationSchema.ensure(n, app);
                target = ReplicationSchema.fencing(n, applicationId);
            } catch (SQLException e) {
                throw PostgresErrors.classify("reading " + region + " before promoting it", e);
            }
            if (target.isPresent() && target.get().epoch() > epoch) {
                throw new DataStaleEpochException(target.get().epoch(), epoch);
            }
            boolean alreadyPrimary = target.isPresent()
                    && target.get().role() == Role.PRIMARY
                    && !oldClaimsNewerPrimary(app, old, region, target.get(), epoch, forced, deadline);
            boolean drained = false;
            if (alreadyPrimary) {
                // an earlier attempt opened it, or it was the primary already: no drain, no fence to put up
                details.put("oldPrimaryFenced", "not needed: " + region + " was already the primary");
            } else {
                boolean oldFenced = fenceOldPrimary(app, old, epoch, forced, deadline, details);
                if (oldFenced) {
                    drained = drainOldPrimary(app, old, region, epoch, forced, deadline, details);
                } else {
                    details.put("dataLeftBehind", "unknown: " + old + " did not answer; re-protect reports it");
                }
                CdcPipeline p = pipelines.get(applicationId);
                if (p != null && p.targetRegion().equals(region)) {
                    pipelines.remove(applicationId);
                    p.close();
                }
            }
            open(app, region, old, epoch, details);
            if (drained) {
                try (Connection o = app.region(old).connect()) {
                    ReplicationSchema.dropSlot(o, app.slotName(region));
                } catch (SQLException e) {
                    // drained, so nothing is lost: re-protect finds the slot, reports nothing and drops it
                    LOG.warn(
                            "promote {} of {}: the drained slot on {} was not dropped ({}); re-protect drops it",
                            region,
                            applicationId,
                            old,
                            e.getMessage());
                }
            }
            lastDetails.put(applicationId, details);
            if (!pipelines.containsKey(applicationId)) {
                unprotected.put(
                        applicationId,
                        old + " is not protected since " + region + " was promoted at epoch " + epoch
                                + ": no capture until re-protect");
            }
            LOG.info("promoted {} for {} at epoch {} ({})", region, applicationId, epoch, details);
            return read(app);
        }
    }

    /**
     * Whether the other region's row says it is a primary at least as recent as {@code region}'s (a
     * forced failover that could not fence it, then a failback): then {@code region} is not "already the
     * primary" and the whole sequence runs. When the other region does not answer, a graceful promote
     * cannot rule it out and fails retriably, unless this very promote opened {@code region} already.
     */
    private boolean oldClaimsNewerPrimary(
            PostgresApplication app,
            String old,
            String region,
            Fencing target,
            long epoch,
            boolean forced,
            long deadline)
            throws ActuatorFailure {
        try (Connection o = app.region(old).connect(remaining(deadline))) {
            Optional<Fencing> row = ReplicationSchema.fencing(o, app.applicationId());
            if (row.isPresent() && row.get().epoch() > epoch) {
                throw new DataStaleEpochException(row.get().epoch(), epoch);
            }
            return row.isPresent()
                    && row.get().role() == Role.PRIMARY
                    && row.get().epoch() >= target.epoch();
        } catch (SQLException e) {
            if (forced || target.epoch() == epoch) {
                return false;
            }
            throw ActuatorFailure.retriable(
                    "OLD_PRIMARY_UNREACHABLE",
                    region + " says it is the primary "
                            + "(epoch " + target.epoch() + "), but " + old
                            + ", which may say so with a newer epoch, does not "
                            + "answer: a graceful promote opens nothing until it does",
                    e);
        }
    }

    /** @return true when the old primary is fenced now; false only for a forced promote that could not */
    private boolean fenceOldPrimary(
            PostgresApplication app, String old, long epoch, boolean forced, long deadline, Map<String, String> details)
            throws ActuatorFailure {
        try (Connection o = app.region(old).connect(remaining(deadline))) {
            Optional<Fencing> row = ReplicationSchema.fencing(o, app.applicationId());
            Role role = row.map(Fencing::role).orElse(null);
            // fenced under this very epoch: by an earlier attempt of this promote (a plan's own fence of the
            // old region runs only after its promote succeeded), which found it the primary
            boolean fencedByAnEarlierAttempt = role == Role.FENCED && row.get().epoch() == epoch;
            details.put(
                    "oldPrimaryRoleBefore",
                    fencedByAnEarlierAttempt ? Role.PRIMARY.name() : role == null ? "none" : role.name());
            // a replica keeps its role (its capture resumes from it); anything else is fenced
            checkedFence(o, app, epoch, role == Role.REPLICA ? Role.REPLICA : Role.FENCED);
            ReplicationSchema.revokeWrites(o, app.appRole(), app.tables(), deadline);
            details.put("oldPrimaryFenced", "true");
            return true;
        } catch (SQLException | ActuatorFailure e) {
            if (e instanceof DataStaleEpochException stale) {
                throw stale;
            }
            String why = e.getMessage();
            if (!forced) {
                boolean unreachable = e instanceof SQLException sql && PostgresErrors.unreachable(sql);
                throw ActuatorFailure.retriable(
                        unreachable ? "OLD_PRIMARY_UNREACHABLE" : "OLD_PRIMARY_NOT_FENCED",
                        "a graceful promote opens nothing until " + old + " is fenced, and it could not be (" + why
                                + "); the promote is retried, or the plan can be forced",
                        e);
            }
            LOG.warn(
                    "forced promote of {}: {} not fenced ({}); the engine keeps fencing it",
                    app.applicationId(),
                    old,
                    why);
            details.put("oldPrimaryFenced", "false");
            details.put("oldPrimaryNotFencedBecause", why);
            return false;
        }
    }

    /**
     * @return true when everything the fenced old primary committed is applied to {@code region};
     *         false only for a forced promote whose drain could not complete in time (what was left is
     *         recorded)
     */
    private boolean drainOldPrimary(
            PostgresApplication app,
            String old,
            String region,
            long epoch,
            boolean forced,
            long deadline,
            Map<String, String> details)
            throws ActuatorFailure {
        try {
            CdcPipeline p = pipelines.get(app.applicationId());
            if (p == null
                    || p.stopped()
                    || !p.sourceRegion().equals(old)
                    || !p.targetRegion().equals(region)) {
                try (Connection o = app.region(old).connect()) {
                    if (!ReplicationSchema.slotExists(o, app.slotName(region))) {
                        throw ActuatorFailure.fatal(
                                "DRAIN_UNPROVABLE",
                                old + " has no replication slot "
                                        + "feeding " + region
                                        + ", so what it committed cannot be shown to be applied; a "
                                        + "forced promote opens " + region + " anyway and leaves " + old + " fenced");
                    }
                } catch (SQLException e) {
                    throw PostgresErrors.classify("reading " + old + "'s replication slot", e);
                }
                // not running (an earlier attempt stopped, or this service restarted): from its stored position
                p = startCapture(app, old, region);
                await(p::ready, deadline, "the capture from " + old + " did not start in time");
                details.put("captureRestarted", "true");
            }
            DrainResult d = drain(app, p, deadline);
            details.putAll(d.details());
            if (d.complete()) {
                details.put("dataLeftBehindWalBytes", "0");
                return true;
            }
            if (!forced) {
                throw ActuatorFailure.retriable(
                        "DRAIN_TIMEOUT",
                        d.remaining() + " bytes of " + old + "'s WAL still to apply to " + region
                                + " when the step's time ran out");
            }
            details.put("dataLeftBehindWalBytes", Long.toString(d.remaining()));
            return false;
        } catch (ActuatorFailure e) {
            if (e instanceof DataStaleEpochException) {
                throw e;
            }
            if (!forced) {
                throw reopened(app, old, region, epoch, details.get("oldPrimaryRoleBefore"), e);
            }
            details.put("drainSkippedBecause", e.getMessage());
            return false;
        }
    }

    /**
     * A graceful promote that fenced the old primary but cannot drain it promotes nothing, so it gives
     * the application its database back rather than leave both closed until a retry or an operator
     * comes: the old primary takes the role PRIMARY again (under the same epoch) and its writes are
     * granted. The next attempt fences it again.
     */
    private ActuatorFailure reopened(
            PostgresApplication app, String old, String region, long epoch, String roleBefore, ActuatorFailure cause) {
        if (!Role.PRIMARY.name().equals(roleBefore)) {
            // it was not the application's database before this promote fenced it: it stays closed
            return ActuatorFailure.of(
                    cause.retriable(),
                    cause.code(),
                    cause.getMessage() + "; " + old + " was " + roleBefore + " before and stays closed; " + region
                            + " was not promoted",
                    cause);
        }
        String outcome;
        try (Connection o = app.region(old).connect()) {
            checkedFence(o, app, epoch, Role.PRIMARY);
            ReplicationSchema.grantWrites(o, app.appRole(), app.tables());
            outcome = old + " is open to the application again; " + region + " was not promoted";
            LOG.warn(
                    "graceful promote of {} for {}: {} ({})", region, app.applicationId(), outcome, cause.getMessage());
        } catch (SQLException | ActuatorFailure e) {
            outcome = old + " stays fenced and " + region + " was not promoted: re-opening " + old + " failed too ("
                    + e.getMessage() + ")";
            LOG.error("graceful promote of {} for {}: {}", region, app.applicationId(), outcome);
        }
        return ActuatorFailure.of(cause.retriable(), cause.code(), cause.getMessage() + "; " + outcome, cause);
    }

    /** Reverse slot before writes open (re-protect's consistent point), then the epoch, then the grant. */
    private void open(PostgresApplication app, String region, String old, long epoch, Map<String, String> details)
            throws ActuatorFailure {
        try (Connection n = app.region(region).connect()) {
            ReplicationSchema.createSlot(n, app.slotName(old));
            checkedFence(n, app, epoch, Role.PRIMARY);
            ReplicationSchema.grantWrites(n, app.appRole(), app.tables());
            details.put(
                    "promotedAtAppliedLsn",
                    Long.toString(ReplicationSchema.appliedLsn(n, pipelineId(app, old, region))));
        } catch (SQLException e) {
            throw PostgresErrors.classify("opening " + region, e);
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    private static void requireRegions(PostgresApplication app, String... regions) throws ActuatorFailure {
        for (String region : regions) {
            if (!app.regions().containsKey(region)) {
                throw ActuatorFailure.fatal(
                        "UNKNOWN_REGION",
                        region + " is not one of " + app.applicationId() + "'s regions "
                                + new java.util.TreeSet<>(app.regions().keySet()));
            }
        }
        if (regions.length == 2 && regions[0].equals(regions[1])) {
            throw ActuatorFailure.fatal("SAME_REGION", "from and to are both " + regions[0]);
        }
    }

    @Override
    public ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws ActuatorFailure {
        PostgresApplication app = app(applicationId);
        requireRegions(app, fromRegion, toRegion);
        synchronized (app) {
            Map<String, String> details = new TreeMap<>(lastDetails.getOrDefault(applicationId, Map.of()));
            try (Connection f = app.region(fromRegion).connect();
                    Connection t = app.region(toRegion).connect()) {
                ReplicationSchema.ensure(t, app);
                Optional<Fencing> primary = ReplicationSchema.fencing(f, applicationId);
                if (primary.isEmpty() || primary.get().role() != Role.PRIMARY) {
                    throw ActuatorFailure.fatal("NOT_PRIMARY", fromRegion + " is not the primary");
                }
                // 0. the slot made at promote holds every change since; without it (never made, dropped, or it
                // lost WAL it needed) the standby would start from now and silently lack them: it gets a fresh
                // copy of the primary instead, after what it alone committed has been reported (step 2)
                Optional<ReplicationSchema.Slot> reverse = ReplicationSchema.slot(f, app.slotName(toRegion));
                String freshCopy = reverse.isEmpty()
                        ? "the replication slot " + app.slotName(toRegion) + " on " + fromRegion + " does not exist"
                        : reverse.get().lost()
                                ? "the replication slot " + app.slotName(toRegion) + " on " + fromRegion
                                        + " lost WAL it needed (max_slot_wal_keep_size)"
                                : null;
                // 1. the old primary may have come back writable after a forced failover
                checkedFence(t, app, epoch, Role.FENCED);
                ReplicationSchema.revokeWrites(t, app.appRole(), app.tables());
                // 2. what it committed that the new primary never applied
                long unreplicated = 0;
                if (ReplicationSchema.slotExists(t, app.slotName(fromRegion))) {
                    unreplicated = reportUnreplicated(app, toRegion, fromRegion, f, t);
                    ReplicationSchema.dropSlot(t, app.slotName(fromRegion));
                }
                details.put("unreplicatedChanges", Long.toString(unreplicated));
                String pipeline = pipelineId(app, fromRegion, toRegion);
                if (freshCopy == null) {
                    // 3. replicate from the slot made at promote, from its start
                    ReplicationSchema.createSlot(f, app.slotName(toRegion));
                    ReplicationSchema.forgetPosition(t, pipeline);
                    details.remove("freshCopy");
                } else {
                    // 3'. a fresh copy: the capture copies the primary's tables as of a snapshot and streams
                    // from there (as a first copy does), into emptied tables
                    if (reverse.isPresent()) {
                        ReplicationSchema.dropSlot(f, app.slotName(toRegion));
                    }
                    ReplicationSchema.truncate(t, app.tables());
                    ReplicationSchema.forgetPosition(t, pipeline);
                    ReplicationSchema.initialCopy(t, pipeline, "PENDING");
                    details.put("freshCopy", freshCopy);
                    LOG.warn(
                            "re-protect {} -> {} of {}: {}; copying {}'s tables afresh",
                            fromRegion,
                            toRegion,
                            applicationId,
                            freshCopy,
                            fromRegion);
                }
                checkedFence(t, app, epoch, Role.REPLICA);
                checkedFence(f, app, epoch, Role.PRIMARY);
            } catch (SQLException e) {
                throw PostgresErrors.classify("re-protecting " + fromRegion + "->" + toRegion, e);
            }
            startCapture(app, fromRegion, toRegion);
            lastDetails.put(applicationId, details);
            return read(app);
        }
    }

    @Override
    public FenceResult fence(String applicationId, String region, long epoch, Duration within) throws ActuatorFailure {
        PostgresApplication app = app(applicationId);
        if (!app.regions().containsKey(region)) {
            throw FenceFailure.UNKNOWN_REGION.exception(
                    region + " is not one of " + applicationId + "'s regions "
                            + new java.util.TreeSet<>(app.regions().keySet()),
                    null);
        }
        PostgresFence fence = new PostgresFence(app, region, epoch, within); // the bound starts before the lock
        synchronized (app) {
            FenceResult result = fence.run();
            if (result.changed()) {
                LOG.info("fenced {}'s database of {} at epoch {}", region, applicationId, epoch);
            }
            return result;
        }
    }

    /**
     * Replays the old primary's slot from the position the new primary stored into the report table,
     * then sets each changed row back to the new primary's version (or removes it). Returns the number
     * of changes recorded.
     */
    private long reportUnreplicated(
            PostgresApplication app, String oldPrimary, String newPrimary, Connection n, Connection o)
            throws SQLException, ActuatorFailure {
        CdcPipeline report = startPipeline(app, oldPrimary, newPrimary, app.applicationId());
        try {
            long deadline = System.nanoTime() + REPORT_DRAIN.toNanos();
            await(report::ready, deadline, "the report capture did not start");
            DrainResult d = drain(app, report, deadline);
            if (!d.complete()) {
                throw ActuatorFailure.retriable(
                        "REPORT_TIMEOUT",
                        "reading what " + oldPrimary + " committed did not finish in " + REPORT_DRAIN);
            }
        } finally {
            report.close();
        }
        long count = 0;
        try (PreparedStatement ps = n.prepareStatement("""
                SELECT table_name, row_key::text FROM mrm.unreplicated_change
                WHERE application_id = ? AND source_region = ? GROUP BY table_name, row_key::text""")) {
            ps.setString(1, app.applicationId());
            ps.setString(2, oldPrimary);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableName table = TableName.parse(rs.getString(1));
                    if (!app.tables().contains(table)) {
                        continue;
                    }
                    resetRow(n, o, table, rs.getString(2));
                    count++;
                }
            }
        }
        try (PreparedStatement ps = n.prepareStatement(
                "SELECT count(*) FROM mrm.unreplicated_change WHERE application_id = ? AND source_region = ?")) {
            ps.setString(1, app.applicationId());
            ps.setString(2, oldPrimary);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                LOG.warn(
                        "{} committed {} changes ({} rows) that {} never applied; recorded in {}'s "
                                + "mrm.unreplicated_change",
                        oldPrimary,
                        rs.getLong(1),
                        count,
                        newPrimary,
                        newPrimary);
                return rs.getLong(1);
            }
        }
    }

    /** The old primary's row becomes the new primary's version of it: replaced, or removed when it has none. */
    private static void resetRow(Connection newPrimary, Connection oldPrimary, TableName table, String keyJson)
            throws SQLException {
        List<String> key = ReplicationSchema.primaryKey(oldPrimary, table);
        // key columns come from the catalog; the key values are bound as JSON
        String where = key.stream()
                .map(k -> "t.\"" + k + "\" = k.\"" + k + "\"")
                .collect(java.util.stream.Collectors.joining(" AND "));
        String image = null;
        try (PreparedStatement ps = newPrimary.prepareStatement("SELECT row_to_json(t)::text FROM " + table.quoted()
                + " t, json_populate_record(null::" + table.quoted() + ", CAST(? AS json)) k WHERE "
                + where)) {
            ps.setString(1, keyJson);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    image = rs.getString(1);
                }
            }
        }
        try (PreparedStatement ps = oldPrimary.prepareStatement("DELETE FROM " + table.quoted()
                + " t USING json_populate_record(null::" + table.quoted() + ", CAST(? AS json)) k WHERE "
                + where)) {
            ps.setString(1, keyJson);
            ps.executeUpdate();
        }
        if (image != null) {
            try (PreparedStatement ps = oldPrimary.prepareStatement("INSERT INTO " + table.quoted()
                    + " SELECT * FROM json_populate_record(null::" + table.quoted() + ", CAST(? AS json))")) {
                ps.setString(1, image);
                ps.executeUpdate();
            }
        }
    }

    private static void await(BooleanSupplier condition, long deadline, String failure) throws ActuatorFailure {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw ActuatorFailure.retriable("TIMEOUT", failure);
            }
            ReplicationSchema.pause();
        }
    }

    private static void checkedFence(Connection c, PostgresApplication app, long epoch, Role role)
            throws SQLException, DataStaleEpochException {
        if (!ReplicationSchema.fence(c, app.applicationId(), epoch, role)) {
            long stored = ReplicationSchema.fencing(c, app.applicationId())
                    .map(Fencing::epoch)
                    .orElse(0L);
            throw new DataStaleEpochException(stored, epoch);
        }
    }

    private PostgresApplication app(String applicationId) throws ActuatorFailure {
        PostgresApplication app = applications.get(applicationId);
        if (app == null) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_APPLICATION",
                    "application " + applicationId + " is not configured under mrm.data.postgres");
        }
        return app;
    }

    @Override
    public void close() {
        pipelines.values().forEach(CdcPipeline::close);
        pipelines.clear();
    }
}
