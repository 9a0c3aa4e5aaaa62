package io.mrm.health.adapter.probe;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: it records the fixed-rate tasks handed to
 * it and the test runs them, when it wants and on its own thread. Together with a hand-set clock, a
 * scheduler's timing is then exact, whatever else the machine is doing.
 */
final class ManualTicker extends AbstractExecutorService implements ScheduledExecutorService {

    /** One task given to {@link #scheduleAtFixedRate}. */
    record FixedRate(Runnable command, long initialDelayNanos, long periodNanos) {}

    private final List<FixedRate> tasks = new CopyOnWriteArrayList<>();
    private volatile boolean shutdown;

    List<FixedRate> tasks() {
        return List.copyOf(tasks);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        tasks.add(new FixedRate(command, unit.toNanos(initialDelay), unit.toNanos(period)));
        return new NeverDone();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the scheduler under test");
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the scheduler under test");
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the scheduler under test");
    }

    @Override
    public void execute(Runnable command) {
        throw new UnsupportedOperationException("not used by the scheduler under test");
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }

    /** The handle of a recorded task: it runs until the ticker is shut down. */
    private static final class NeverDone implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return 0;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a fixed-rate task has no result");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a fixed-rate task has no result");
        }
    }
}
