package io.mrm.hana.domain;

import io.mrm.events.ack.ActuatorFailure;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a backend call on a worker thread and stops waiting for it at a bound. A fence must be
 * answered before its step's deadline even when the database neither answers nor refuses (a
 * black-holed host, or a driver whose connect timeout is longer than the step's), and the JDBC
 * drivers offer no per-call bound below a second, nor stop on an interrupt.
 *
 * <p>A call that overruns is left to finish on its own (the backends bound their connections, so it
 * ends soon after): fencing is idempotent, so a late success is harmless and the engine's retry finds
 * the work done. At most {@code workers} calls run at once; beyond that a call is refused at once
 * ({@link FenceFailure#BUSY}) rather than queued behind ones that hang.
 */
final class BoundedCalls {

    private final ThreadPoolExecutor pool;

    BoundedCalls(int workers, String threadName) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, workers, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The call's result, or its own exception, if it ends within {@code within}.
     *
     * @param what names the work in the failure's message
     */
    <T> T call(Callable<T> work, Duration within, String what) throws ActuatorFailure {
        if (within.isNegative() || within.isZero()) {
            throw FenceFailure.NO_TIME_LEFT.exception("no time left before the step's deadline for " + what, null);
        }
        Future<T> future;
        try {
            future = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw FenceFailure.BUSY.exception(what + ": every worker is still waiting for a database", e);
        }
        try {
            return future.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw FenceFailure.TIMEOUT.exception(
                    what + " did not finish within " + within.toMillis()
                            + " ms (its database does not answer, or another command of the application holds it)",
                    null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ActuatorFailure d) {
                throw d;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw ActuatorFailure.fatal("UNEXPECTED", what + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActuatorFailure.retriable("INTERRUPTED", "hana-sync was stopping during " + what, e);
        }
    }
}
