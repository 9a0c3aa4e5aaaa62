package io.mrm.health.adapter.alert;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Calls {@link AlertIntake#refresh} every {@code interval} on a thread of its own, so that a component
 * whose alert still fires keeps being reported between the sender's rare repeats. With a fixed delay,
 * not a fixed rate: after a stall (a slow broker) it does not burst to catch up, which would count as
 * several failures in a row at the engine.
 */
public final class AlertRefresher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertRefresher.class);

    private final AlertIntake intake;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;

    public AlertRefresher(AlertIntake intake, Duration interval) {
        this.intake = intake;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "alert-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            intake.refresh();
        } catch (Throwable e) {
            // a task that throws (an Error too) is never run again: log and keep refreshing
            log.error("refreshing the alerted components failed", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
