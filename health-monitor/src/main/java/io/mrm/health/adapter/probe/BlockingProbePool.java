package io.mrm.health.adapter.probe;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the probes that must block (JDBC drivers, messaging sessions), so they never run on the
 * scheduler's ticker threads — as bulkheads: every such target gets a lane of its own
 * ({@link #lane}), so a dead region's databases, however many and however stuck, never delay or refuse
 * the probe of another target. A lane is small (one thread and one waiting probe by default: a target has
 * at most one probe in flight); when it is full the probe is refused at once and reported as not probed
 * (the monitor's own trouble, never evidence that the target is down).
 */
public final class BlockingProbePool implements Executor, AutoCloseable {

    private final int threads;
    private final int queue;
    private final String name;
    private final ThreadPoolExecutor executor;
    private final List<BlockingProbePool> lanes = new CopyOnWriteArrayList<>();

    /**
     * @param threads  probes of one lane that may block at the same time
     * @param queue    probes of one lane that may wait for a thread
     */
    public BlockingProbePool(int threads, int queue) {
        this(threads, queue, "blocking-probe");
    }

    private BlockingProbePool(int threads, int queue, String name) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException(
                    "threads and queue must be at least 1, were " + threads + " and " + queue);
        }
        this.threads = threads;
        this.queue = queue;
        this.name = name;
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** A lane of its own for one target (same size as this pool's), closed with this pool. */
    public BlockingProbePool lane(String target) {
        BlockingProbePool lane = new BlockingProbePool(threads, queue, "probe-" + target);
        lanes.add(lane);
        return lane;
    }

    /**
     * Runs {@code work} on this lane; the future fails with {@link NotProbedException} when the lane is
     * full (its own earlier probes are still running).
     */
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
            result.completeExceptionally(new NotProbedException("all " + executor.getMaximumPoolSize() + " threads of "
                    + name + " are busy and " + executor.getQueue().size() + " probes are waiting"));
        }
        return result;
    }

    /** The monitor could not run a probe (its lane is full): not evidence about the target. */
    public static final class NotProbedException extends RejectedExecutionException {
        public NotProbedException(String message) {
            super(message);
        }
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    @Override
    public void close() {
        lanes.forEach(BlockingProbePool::close);
        executor.shutdownNow();
    }
}
