package io.mrm.health.adapter.probe;

import io.mrm.events.observation.HealthObservation;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.health.domain.ObservationSink;
import io.mrm.health.domain.ProbeResult;
import io.mrm.health.domain.ProbeTarget;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs every target's probe once per interval and publishes one observation per result.
 *
 * <ul>
 *   <li>First runs are spread at random over the interval, so thousands of targets do not fire at once.</li>
 *   <li>At most one probe per target is in flight: a tick that finds the previous probe still running
 *       is skipped (and counted), never queued.</li>
 *   <li>Probes are asynchronous, so the ticker threads only start them; a slow target occupies no
 *       thread and delays no other target. A probe that throws, fails or overruns its target's timeout
 *       becomes a DOWN observation.</li>
 *   <li>Publishing runs on its own thread with a bounded queue: a slow or unreachable broker drops
 *       observations (counted, logged) instead of stalling probes. Publish failures are logged; the
 *       scheduler keeps going. The queue is lock-free and the publisher polls it (pausing
 *       {@value #DRAIN_PAUSE_MICROS} µs when it is empty), so handing over an observation never wakes a
 *       thread: at thousands of probes a second those wake-ups showed in the profile.</li>
 * </ul>
 */
public final class ProbeScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<Job> jobs;
    private final ObservationRule rule;
    private final ObservationSink sink;
    private final RandomGenerator random;
    private final int publishQueueCapacity;
    private final Duration stopGrace;
    private final LongSupplier nanoTime;
    private final Function<ThreadFactory, ScheduledExecutorService> tickers;

    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong notProbed = new AtomicLong();
    private final AtomicLong lastPublished = new AtomicLong(System.nanoTime());
    private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    static final long DRAIN_PAUSE_MICROS = 1000;

    private volatile ScheduledExecutorService ticker;
    private volatile Thread publisher;
    private final ConcurrentLinkedQueue<HealthObservation> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private volatile boolean running;
    private volatile LongConsumer slipListener = slip -> {};
    private volatile ProbeMetrics metrics = ProbeMetrics.NONE;

    /** One target and whether its probe is running. */
    private static final class Job {
        final MonitoredTarget monitored;
        final AtomicBoolean inFlight = new AtomicBoolean();
        /** When the next tick is due (on the scheduler's nano clock), for measuring slip; touched only by the tick. */
        long plannedNanos;

        Job(MonitoredTarget monitored) {
            this.monitored = monitored;
        }

        ProbeTarget target() {
            return monitored.target();
        }
    }

    /**
     * @param targets              what to probe
     * @param rule                 turns results into observations
     * @param sink                 where observations go
     * @param random               draws each target's first-run delay
     * @param tickerThreads        threads that start probes (they only start them, so few are needed)
     * @param publishQueueCapacity observations waiting to be published beyond which new ones are dropped
     * @param stopGrace            how long stopping waits for queued observations to be published
     */
    public ProbeScheduler(
            List<MonitoredTarget> targets,
            ObservationRule rule,
            ObservationSink sink,
            RandomGenerator random,
            int tickerThreads,
            int publishQueueCapacity,
            Duration stopGrace) {
        this(
                targets,
                rule,
                sink,
                random,
                publishQueueCapacity,
                stopGrace,
                System::nanoTime,
                threads -> Executors.newScheduledThreadPool(tickerThreads, threads));
    }

    /**
     * With the clock that times ticks and probes and the executor that runs the ticks (made at each
     * {@link #start()} from the ticker thread factory): a test drives both by hand.
     */
    ProbeScheduler(
            List<MonitoredTarget> targets,
            ObservationRule rule,
            ObservationSink sink,
            RandomGenerator random,
            int publishQueueCapacity,
            Duration stopGrace,
            LongSupplier nanoTime,
            Function<ThreadFactory, ScheduledExecutorService> tickers) {
        this.nanoTime = nanoTime;
        this.tickers = tickers;
        this.jobs = targets.stream().map(Job::new).toList();
        this.rule = rule;
        this.sink = sink;
        this.random = random;
        this.publishQueueCapacity = publishQueueCapacity;
        this.stopGrace = stopGrace;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        ticker = tickers.apply(threads("probe-ticker"));
        running = true;
        publisher = threads("observation-publisher").newThread(this::drain);
        publisher.start();
        for (Job job : jobs) {
            long interval = Math.max(1, job.target().interval().toMillis());
            long delay = initialDelayMillis(job.target().interval(), random);
            job.plannedNanos = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(delay);
            ticker.scheduleAtFixedRate(() -> tick(job), delay, interval, TimeUnit.MILLISECONDS);
        }
        if (jobs.isEmpty()) {
            log.warn(
                    "no targets configured (mrm.health.targets): vantage {} will publish no observations",
                    rule.vantage());
        } else {
            log.info("vantage {} probing {} targets", rule.vantage(), jobs.size());
        }
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        ticker.shutdownNow();
        try {
            // a tick already running finishes before stop returns: after stop, no probe starts
            if (!ticker.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("a probe tick did not end within {} ms of stop", stopGrace.toMillis());
            }
            // the publisher drains what is queued, then ends
            publisher.join(stopGrace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher.isAlive()) {
            publisher.interrupt();
            int left = pendingCount.get();
            for (int i = 0; i < left; i++) {
                metrics.dropped(ProbeMetrics.Dropped.SHUTDOWN);
            }
            log.warn("{} observations not published at shutdown", left);
        }
        log.info(
                "stopped probing: {} observations published, {} publish failures, {} dropped, {} ticks skipped, "
                        + "{} probes not run",
                published.get(),
                publishFailures.get(),
                dropped.get(),
                skipped.get(),
                notProbed.get());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A random delay in [0, interval): spreads first runs over one interval. */
    static long initialDelayMillis(Duration interval, RandomGenerator random) {
        long bound = Math.max(1, interval.toMillis());
        return random.nextLong(bound);
    }

    /**
     * Receives, for every tick, how late it started (actual start − planned start, in nanoseconds).
     * For measurement (the scale benchmark); set it before {@link #start()}.
     */
    public void onTickSlip(LongConsumer listener) {
        this.slipListener = listener;
    }

    /** Where probe durations, skipped ticks and dropped observations are counted; set it before {@link #start()}. */
    public void recordMetricsTo(ProbeMetrics metrics) {
        this.metrics = metrics;
    }

    private void tick(Job job) {
        long now = nanoTime.getAsLong();
        // a fixed-rate task runs at start + delay + k * interval, so the plan advances by one interval a tick
        slipListener.accept(now - job.plannedNanos);
        job.plannedNanos += TimeUnit.MILLISECONDS.toNanos(
                Math.max(1, job.target().interval().toMillis()));
        if (!job.inFlight.compareAndSet(false, true)) {
            skipped.incrementAndGet();
            metrics.tickSkipped(job.target());
            if (log.isDebugEnabled()) {
                log.debug(
                        "{}: previous probe still running, tick skipped",
                        job.target().label());
            }
            return;
        }
        long start = now;
        try {
            CompletionStage<ProbeResult> stage = job.monitored.probe().probe();
            if (stage == null) {
                throw new IllegalStateException("probe returned no result");
            }
            stage.toCompletableFuture()
                    .copy()
                    .orTimeout(job.target().timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((result, error) -> finish(job, result, error, start));
        } catch (Throwable e) {
            // never let anything escape: scheduleAtFixedRate would silently cancel this target
            finish(job, null, e, start);
        }
    }

    private void finish(Job job, ProbeResult result, Throwable error, long start) {
        try {
            ProbeResult outcome = result;
            long took = nanoTime.getAsLong() - start;
            if (outcome == null) {
                Duration latency = Duration.ofNanos(took);
                outcome = ObservationRule.failure(
                        job.target(),
                        error == null ? new IllegalStateException("probe completed without a result") : error,
                        latency);
            }
            metrics.probed(
                    job.target(),
                    outcome.notProbed()
                            ? ProbeMetrics.NOT_PROBED
                            : outcome.status().name(),
                    took);
            if (outcome.notProbed()) {
                // the monitor's own trouble: says nothing about the target, so nothing is published
                long count = notProbed.incrementAndGet();
                warn("{}: not probed ({} so far): {}", job.target().label(), count, outcome.detail());
                return;
            }
            HealthObservation observation = rule.observe(job.target(), outcome);
            if (running) {
                enqueue(observation);
            } else {
                metrics.dropped(ProbeMetrics.Dropped.SHUTDOWN);
            }
        } catch (Throwable e) {
            warn(
                    "{}: could not turn a probe result into an observation: {}",
                    job.target().label(),
                    e.toString());
        } finally {
            // released after the observation is queued, so one target's observations stay in order
            job.inFlight.set(false);
        }
    }

    private void enqueue(HealthObservation observation) {
        if (pendingCount.incrementAndGet() > publishQueueCapacity) {
            pendingCount.decrementAndGet();
            metrics.dropped(ProbeMetrics.Dropped.QUEUE_FULL);
            onDropped();
            return;
        }
        pending.offer(observation);
    }

    /** The publisher thread: publishes queued observations in order until stopped and drained. */
    private void drain() {
        while (!Thread.currentThread().isInterrupted()) {
            HealthObservation next = pending.poll();
            if (next != null) {
                pendingCount.decrementAndGet();
                publish(next);
            } else if (!running) {
                return;
            } else {
                // parks briefly; nothing else in this loop can throw
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(DRAIN_PAUSE_MICROS));
            }
        }
    }

    private void publish(HealthObservation observation) {
        CompletionStage<?> sent;
        try {
            sent = sink.publish(observation);
            if (sent == null) {
                throw new IllegalStateException("the sink returned no result");
            }
        } catch (Throwable e) {
            // an Error from the producer too: one failed publish must not end the publisher thread
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, error) -> {
            if (error == null) {
                published.incrementAndGet();
                lastPublished.set(System.nanoTime());
            } else {
                long failures = publishFailures.incrementAndGet();
                metrics.dropped(ProbeMetrics.Dropped.PUBLISH_FAILED);
                warn(
                        "could not publish observation {} ({}/{}/{}), {} failures so far: {}",
                        observation.id(),
                        observation.applicationId(),
                        observation.region(),
                        observation.component(),
                        failures,
                        error.toString());
            }
        });
    }

    private void onDropped() {
        long count = dropped.incrementAndGet();
        if (running) {
            warn(
                    "publish queue full ({} observations): observation dropped, {} dropped so far",
                    publishQueueCapacity,
                    count);
        }
    }

    /** At most one warning per 10 s, so a broker outage does not flood the log; the rest go to debug. */
    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
            log.warn(format, args);
        } else {
            log.debug(format, args);
        }
    }

    /** Probes the monitor could not run (its own trouble, not the target's): never published. */
    public long notProbedCount() {
        return notProbed.get();
    }

    /** Whether the thread that publishes observations is alive (it is started with the scheduler). */
    public boolean publisherAlive() {
        Thread thread = publisher;
        return running && thread != null && thread.isAlive();
    }

    /** How long ago the broker last confirmed an observation (since start if none yet). */
    public Duration sinceLastPublished() {
        return Duration.ofNanos(Math.max(0, System.nanoTime() - lastPublished.get()));
    }

    /** Ticks skipped because the target's previous probe was still running. */
    public long skippedTicks() {
        return skipped.get();
    }

    /** Observations the broker confirmed. */
    public long publishedObservations() {
        return published.get();
    }

    public long publishFailures() {
        return publishFailures.get();
    }

    public long droppedObservations() {
        return dropped.get();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
