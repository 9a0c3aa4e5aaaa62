package io.mrm.health.adapter.probe;

import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database probe: runs a {@link JdbcCheck} (PostgreSQL, SAP HANA) on its own lane of the
 * {@link BlockingProbePool}, because JDBC blocks. It keeps one connection per target and reuses it,
 * so a 1 s interval does not mean a TLS handshake and a login every second; a connection that fails
 * is closed and the check is tried once more on a fresh one before the database is reported DOWN.
 *
 * <p>Bounds: the driver's own connect and query timeouts, then this probe's deadline (connect +
 * query timeout), after which the connection is aborted so that the pool thread comes free. While a
 * previous check is still stuck, a new one is not started but reported DOWN.
 */
public final class JdbcProbe implements Probe, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcProbe.class);

    /** Opens a connection; {@link #toString()} names the database without credentials. */
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final JdbcCheck check;
    private final BlockingProbePool pool;
    private final Duration deadline;
    private final int queryTimeoutSeconds;
    private final LongSupplier nanoTime;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Connection connection;

    /**
     * @param connectTimeout bound on opening a connection (enforced by the driver, see the source)
     * @param queryTimeout   bound on each statement ({@code Statement.setQueryTimeout}, whole seconds, at least 1)
     */
    public JdbcProbe(
            ConnectionSource source,
            JdbcCheck check,
            BlockingProbePool pool,
            Duration connectTimeout,
            Duration queryTimeout) {
        this(source, check, pool, connectTimeout, queryTimeout, System::nanoTime);
    }

    JdbcProbe(
            ConnectionSource source,
            JdbcCheck check,
            BlockingProbePool pool,
            Duration connectTimeout,
            Duration queryTimeout,
            LongSupplier nanoTime) {
        this.source = source;
        this.check = check;
        this.pool = pool;
        this.deadline = connectTimeout.plus(queryTimeout);
        this.queryTimeoutSeconds = (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
        this.nanoTime = nanoTime;
    }

    public JdbcCheck check() {
        return check;
    }

    public Duration deadline() {
        return deadline;
    }

    @Override
    public CompletionStage<ProbeResult> probe() {
        long start = nanoTime.getAsLong();
        if (!busy.compareAndSet(false, true)) {
            // the monitor's own state, not an answer from the database: never published as DOWN
            return CompletableFuture.completedFuture(
                    ProbeResult.notProbed("previous check of " + source + " is still running (aborted after "
                            + deadline.toMillis() + " ms); not probed again until it ends"));
        }
        CompletableFuture<ProbeResult> work = pool.submit(() -> {
            try {
                return runOnce(start);
            } finally {
                busy.set(false);
            }
        });
        if (work.isCompletedExceptionally()) {
            busy.set(false); // refused by a full pool: the task never ran
        }
        return work.exceptionally(error -> Failures.unwrap(error) instanceof RejectedExecutionException
                        ? ProbeResult.notProbed(failure(error))
                        : ProbeResult.down(elapsed(start), failure(error)))
                .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    abort();
                    return ProbeResult.down(elapsed(start), failure(error));
                });
    }

    private ProbeResult runOnce(long start) {
        Connection reused = connection;
        if (reused != null) {
            try {
                return timed(check.run(reused, queryTimeoutSeconds), start);
            } catch (SQLException | RuntimeException e) {
                // the server may have restarted or closed an idle connection: try once on a fresh one
                log.debug("{}: check failed on a reused connection, reconnecting: {}", source, e.toString());
                closeQuietly(reused);
                connection = null;
            }
        }
        Connection fresh;
        try {
            fresh = source.open();
        } catch (SQLException | RuntimeException e) {
            return ProbeResult.down(elapsed(start), "cannot connect to " + source + ": " + Failures.message(e));
        }
        connection = fresh;
        try {
            return timed(check.run(fresh, queryTimeoutSeconds), start);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(fresh);
            connection = null;
            return ProbeResult.down(elapsed(start), check.name() + " failed on " + source + ": " + Failures.message(e));
        }
    }

    private ProbeResult timed(ProbeResult result, long start) {
        return new ProbeResult(result.status(), elapsed(start), result.detail());
    }

    private String failure(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof TimeoutException) {
            return "timeout: no answer from " + source + " within " + deadline.toMillis() + " ms";
        }
        if (cause instanceof RejectedExecutionException) {
            return "not probed: " + cause.getMessage();
        }
        return "probe of " + source + " failed: " + Failures.message(cause);
    }

    /** Unblocks a thread stuck in the driver: the next probe reconnects. */
    private void abort() {
        Connection stuck = connection;
        connection = null;
        if (stuck != null) {
            try {
                stuck.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(stuck);
            }
        }
    }

    /** Closes the kept connection (at shutdown). */
    @Override
    public void close() {
        Connection kept = connection;
        connection = null;
        closeQuietly(kept);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // already broken
            }
        }
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }
}
