package io.mrm.kafka.readiness;

import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.kafka.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs an actuator's read-only checks for every application on an interval, and publishes each
 * application's {@link ReadinessReport} (signed like the actuator's acknowledgements). A checker that
 * hangs or throws yields UNKNOWN checks, never a missing report: silence would read as "stale", which the
 * engine also counts as UNKNOWN, but only after its maximum age.
 */
public class ReadinessPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReadinessPublisher.class);

    private final ReadinessChecker checker;
    private final EventPublisher publisher;
    private final ReadinessProperties properties;
    private final Clock clock;
    private ScheduledExecutorService ticker;
    private final ExecutorService checks;
    private volatile boolean running;
    /** The last failure to publish, logged once until publishing works again (an unreachable broker must not flood). */
    private volatile String lastFailure;

    public ReadinessPublisher(
            ReadinessChecker checker, EventPublisher publisher, ReadinessProperties properties, Clock clock) {
        this.checker = checker;
        this.publisher = publisher;
        this.properties = properties;
        this.clock = clock;
        String name = "readiness-" + checker.actuator().name().toLowerCase(java.util.Locale.ROOT) + "-check";
        this.checks = Executors.newCachedThreadPool(r -> daemon(r, name));
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        String name = "readiness-" + checker.actuator().name().toLowerCase(java.util.Locale.ROOT);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
        long period = properties.interval().toMillis();
        ticker.scheduleWithFixedDelay(this::checkAllSafely, 0, period, TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (ticker != null) {
            ticker.shutdownNow(); // a check still running is interrupted; the pool itself (daemon threads) outlives a
            // restart
            ticker = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the listeners: readiness is published once the service can also act. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private void checkAllSafely() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            log.warn("readiness round failed: {}", e.toString());
        }
    }

    /** One round: every application, published as each is done. Returns the reports (for tests). */
    public List<ReadinessReport> checkAll() {
        return checker.applications().stream().map(this::checkAndPublish).toList();
    }

    ReadinessReport checkAndPublish(String applicationId) {
        ReadinessReport report = check(applicationId);
        try {
            publisher.publishAndWait(report);
            if (lastFailure != null) {
                log.info("readiness reports are published again");
                lastFailure = null;
            }
        } catch (RuntimeException e) {
            String failure = e.getMessage();
            if (!failure.equals(lastFailure)) {
                log.warn("could not publish the readiness of {}: {}", applicationId, failure);
            }
            lastFailure = failure;
        }
        return report;
    }

    /** One application's checks, bounded by the configured timeout. */
    public ReadinessReport check(String applicationId) {
        Instant started = clock.instant();
        List<ReadinessCheck> result;
        Future<List<ReadinessCheck>> pending = checks.submit(() -> checker.check(applicationId));
        try {
            result = pending.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            result = unknown(applicationId, started, "the checks did not end within " + properties.timeout());
        } catch (ExecutionException e) {
            result = unknown(applicationId, started, "the checks failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            result = unknown(applicationId, started, "interrupted");
        }
        if (result.size() > ReadinessReport.MAX_CHECKS) {
            result = result.subList(0, ReadinessReport.MAX_CHECKS);
        }
        Instant now = clock.instant();
        return new ReadinessReport(
                "readiness-" + UUID.randomUUID(),
                applicationId,
                now,
                ReadinessReport.SCHEMA_VERSION,
                checker.actuator(),
                properties.interval().toMillis(),
                result);
    }

    /** One UNKNOWN check per region the checker would have covered, or none when it cannot say which. */
    private List<ReadinessCheck> unknown(String applicationId, Instant started, String reason) {
        long took = Math.max(0, Duration.between(started, clock.instant()).toMillis());
        return checker.regions(applicationId).stream()
                .flatMap(region -> checker.actions().stream()
                        .map(action -> new ReadinessCheck(
                                region,
                                action,
                                "checks",
                                ReadinessStatus.UNKNOWN,
                                ReadinessCheck.clip(reason),
                                started,
                                took)))
                .toList();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
