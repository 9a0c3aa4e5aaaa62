package io.mrm.health.adapter;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, bounded pool for the probes that must block (JDBC drivers, host-name lookups), so they
 * never run on the scheduler's ticker threads. When every thread is busy and the queue is full, a
 * probe is refused at once (and reported DOWN by its caller) instead of piling up.
 */
public final class BlockingProbePool implements Executor, AutoCloseable {

    private final ThreadPoolExecutor executor;

    /**
     * @param threads  probes that may block at the same time
     * @param queue    probes that may wait for a thread
     */
    public BlockingProbePool(int threads, int queue) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException("threads and queue must be at least 1, were " + threads + " and " + queue);
        }
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, "blocking-probe-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on the pool; the future fails with {@link RejectedExecutionException} when the pool is full. */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new RejectedExecutionException("all " + executor.getMaximumPoolSize()
                    + " blocking-probe threads are busy and " + executor.getQueue().size() + " probes are waiting"));
        }
        return result;
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
