package io.mrm.hana.adapter.postgres;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of replication: a Debezium engine reading the source's logical replication slot
 * ({@code pgoutput}) on its own thread, and a {@link ChangeApplier} writing to the target. Ready once
 * the connector's task has started; failed (with the reason) once the engine stopped on an error.
 */
final class CdcPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CdcPipeline.class);
    private static final int APPLY_ATTEMPTS = 10;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final String id;
    /** This capture's identity in {@code mrm.replication_owner}: each start is a new owner. */
    private final String owner = "hana-sync-" + java.util.UUID.randomUUID();

    private final PostgresRegion source;
    private final PostgresRegion target;
    private final ChangeApplier applier;
    private final DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private final ExecutorService executor;
    private volatile boolean ready;
    private volatile boolean stopped;
    private volatile String failure;
    private volatile boolean closing;

    CdcPipeline(
            String applicationId,
            PostgresRegion source,
            PostgresRegion target,
            String slot,
            String publication,
            List<TableName> tables,
            ReplicationLagListener lag,
            String recordFor,
            boolean initialCopy) {
        this.id = id(applicationId, source.region(), target.region());
        this.source = source;
        this.target = target;
        String engineName = "mrm-" + slot;
        this.applier = new ChangeApplier(target, id, engineName, lag, recordFor, source.region(), owner, initialCopy);
        TargetTableOffsetStore.register(offsetKey(), applier::storedOffsets);
        Properties props = new Properties();
        props.setProperty("name", engineName);
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("offset.storage", TargetTableOffsetStore.class.getName());
        props.setProperty(TargetTableOffsetStore.PIPELINE_KEY, offsetKey());
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("database.hostname", source.host());
        props.setProperty("database.port", Integer.toString(source.port()));
        props.setProperty("database.dbname", source.database());
        props.setProperty("database.user", source.user());
        props.setProperty("database.password", source.password().read());
        // the capture's replication connection verifies TLS as the JDBC URL asks (sslmode, root certificate...)
        io.mrm.kafka.config.DatabaseTls.parameters(source.jdbcUrl()).forEach((name, value) -> {
            if (name.startsWith("ssl")) {
                props.setProperty("database." + name, value);
            }
        });
        props.setProperty("topic.prefix", engineName);
        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", slot);
        props.setProperty("publication.name", publication);
        // the publication and the slot are created by PostgresDebeziumReplication, before writes open
        props.setProperty("publication.autocreate.mode", "disabled");
        // a first copy: Debezium creates the slot with an exported snapshot, copies, then streams from it;
        // otherwise the slot exists (made before the primary opened) and only changes are read
        props.setProperty("snapshot.mode", initialCopy ? "initial" : "no_data");
        props.setProperty(
                "table.include.list",
                tables.stream()
                        .map(TableName::toString)
                        .map(t -> t.replace(".", "\\."))
                        .collect(Collectors.joining(",")));
        props.setProperty("tombstones.on.delete", "false");
        // each field names its source column's type, length and scale: the applier refuses a column
        // whose type changed on the primary instead of casting into the standby's old one
        props.setProperty("column.propagate.source.type", ".*");
        // TRUNCATE is replicated too (Debezium skips it unless told otherwise)
        props.setProperty("skipped.operations", "none");
        props.setProperty("poll.interval.ms", "5");
        props.setProperty("max.batch.size", "2048");
        props.setProperty("status.update.interval.ms", "1000");
        props.setProperty("errors.max.retries", "5");
        props.setProperty("errors.retry.delay.initial.ms", "300");
        props.setProperty("errors.retry.delay.max.ms", "2000");
        this.engine = DebeziumEngine.create(Connect.class)
                .using(props)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        ready = true;
                    }

                    @Override
                    public void taskStopped() {
                        ready = false;
                    }
                })
                .using((success, message, error) -> {
                    ready = false;
                    stopped = true;
                    if (!success) {
                        failure = message
                                + (error == null ? "" : " (" + error.getClass().getSimpleName() + ")");
                        LOG.warn("replication {} stopped: {}", id, failure);
                    }
                })
                .notifying(this::handleBatch)
                .build();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        executor.execute(engine);
    }

    private void handleBatch(
            List<ChangeEvent<SourceRecord, SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        // Debezium does not deliver a batch again, so a failed apply is retried here (rolled back
        // each time); only after that does the engine stop, and the position stays before the batch.
        for (int attempt = 1; ; attempt++) {
            try {
                applier.apply(batch);
                break;
            } catch (SQLException e) {
                if (closing) {
                    throw new InterruptedException("replication " + id + " is closing; the batch was rolled back");
                }
                if (attempt >= APPLY_ATTEMPTS || !PostgresErrors.retriable(e.getSQLState())) {
                    throw new IllegalStateException("applying to " + target.region() + " failed: " + e.getMessage(), e);
                }
                LOG.warn("replication {}: apply attempt {} failed ({}), retrying", id, attempt, e.getSQLState());
                TimeUnit.MILLISECONDS.sleep(Math.min(2000, 100L << attempt));
            }
        }
        for (ChangeEvent<SourceRecord, SourceRecord> r : batch) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
    }

    String id() {
        return id;
    }

    /** The pipeline's name: where its position and its owner are kept in the target database. */
    static String id(String applicationId, String from, String to) {
        return applicationId + ":" + from + "->" + to;
    }

    String owner() {
        return owner;
    }

    /** This capture's entry in the offset store's registry: two captures of one pipeline never share one. */
    private String offsetKey() {
        return id + "#" + owner;
    }

    String sourceRegion() {
        return source.region();
    }

    String targetRegion() {
        return target.region();
    }

    boolean ready() {
        return ready && !stopped;
    }

    boolean stopped() {
        return stopped;
    }

    /** Why the engine stopped, or null. */
    String failure() {
        return failure;
    }

    /**
     * Stops the engine. A batch still being applied after {@link #CLOSE_WAIT} (e.g. blocked on a lock)
     * is cut off: its connection is closed, so its transaction rolls back with its position, and
     * nothing of it counts as applied.
     */
    @Override
    public void close() {
        closing = true;
        Thread closer = new Thread(
                () -> {
                    try {
                        engine.close();
                    } catch (IOException e) {
                        LOG.warn("replication {}: closing the engine failed: {}", id, e.getMessage());
                    } catch (IllegalStateException e) {
                        // it stopped by itself already (on a failure): nothing left to close
                        LOG.debug("replication {}: {}", id, e.getMessage());
                    }
                },
                "cdc-close-" + id);
        closer.setDaemon(true);
        closer.start();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("replication {}: a batch still applying after {}; rolling it back", id, CLOSE_WAIT);
                applier.abort();
                executor.shutdownNow();
                executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            closer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        applier.close();
        TargetTableOffsetStore.unregister(offsetKey());
        ready = false;
        stopped = true;
    }
}
