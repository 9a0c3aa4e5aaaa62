package io.mrm.hana.domain;

import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * hana-sync's readiness checks: for each application and each of its regions R, whether the data steps
 * of a switch towards R (drain, promote, fence, re-protect) could run now, read from the backend without
 * changing anything. Checks of a step on the region being left are reported with region = R (the target)
 * but read the other region's database.
 *
 * <p>Both targets are checked at once, each bounded by {@code within}: a database that does not answer
 * makes its target's checks UNKNOWN, never a missing report; nothing is thrown out of {@link #check}.
 */
public final class DataReadinessChecker implements ReadinessChecker {

    private static final List<StepAction> ACTIONS =
            List.of(StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE, StepAction.DATA_FENCE, StepAction.DATA_REPROTECT);

    private final DataReadiness backend;
    private final Clock clock;
    private final Duration within;
    private final ExecutorService workers;

    /**
     * @param within the longest the checks towards one region may take (the backend bounds each database
     *               read by it too); both regions are checked in parallel
     */
    public DataReadinessChecker(DataReadiness backend, Clock clock, Duration within) {
        if (within.isNegative() || within.isZero()) {
            throw new IllegalArgumentException("the readiness bound must be positive, was " + within);
        }
        this.backend = backend;
        this.clock = clock;
        this.within = within;
        AtomicInteger n = new AtomicInteger();
        // a read stuck on a database that does not answer ends with its connection's own timeouts
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "data-readiness-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Actuator actuator() {
        return Actuator.HANA;
    }

    @Override
    public List<String> applications() {
        return backend.applications();
    }

    @Override
    public List<String> regions(String applicationId) {
        return backend.regions(applicationId);
    }

    @Override
    public List<StepAction> actions() {
        return ACTIONS;
    }

    @Override
    public List<ReadinessCheck> check(String applicationId) {
        List<String> regions;
        try {
            regions = backend.regions(applicationId);
        } catch (RuntimeException e) {
            return List.of();
        }
        Instant started = clock.instant();
        Map<String, Future<List<DataReadiness.Finding>>> pending = new LinkedHashMap<>();
        for (String target : regions) {
            pending.put(target, workers.submit(() -> backend.check(applicationId, target, within)));
        }
        long deadline = System.nanoTime() + within.toNanos();
        List<ReadinessCheck> checks = new ArrayList<>();
        pending.forEach((target, future) -> checks.addAll(collect(target, future, started, deadline)));
        return checks;
    }

    /** One target only, and one step's findings: what a rehearsal of that step runs. */
    @Override
    public List<ReadinessCheck> check(String applicationId, String region, StepAction action) {
        Instant started = clock.instant();
        Future<List<DataReadiness.Finding>> future = workers.submit(() -> backend.check(applicationId, region, within));
        return collect(region, future, started, System.nanoTime() + within.toNanos()).stream()
                .filter(c -> c.action() == action)
                .toList();
    }

    private List<ReadinessCheck> collect(
            String target, Future<List<DataReadiness.Finding>> future, Instant started, long deadline) {
        List<DataReadiness.Finding> findings;
        try {
            findings = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            findings = everyStep(
                    "databases",
                    "the databases did not answer the checks towards " + target + " within " + within.toMillis()
                            + " ms");
        } catch (ExecutionException e) {
            findings = everyStep("databases", "the checks towards " + target + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            findings = everyStep("databases", "interrupted");
        }
        Instant now = clock.instant();
        long took = Math.max(0, Duration.between(started, now).toMillis());
        List<ReadinessCheck> checks = new ArrayList<>();
        for (DataReadiness.Finding f : findings) {
            if (f.action().actuator() != Actuator.HANA) {
                continue; // a backend's mistake must not make the whole report invalid
            }
            try {
                checks.add(new ReadinessCheck(
                        target, f.action(), f.check(), f.status(), ReadinessCheck.clip(f.reason()), started, took));
            } catch (IllegalArgumentException e) {
                // a finding the contract refuses (e.g. a blank reason) is a defect here, not a reason to report nothing
                checks.add(new ReadinessCheck(
                        target,
                        f.action(),
                        "checks",
                        ReadinessStatus.UNKNOWN,
                        ReadinessCheck.clip("not reportable: " + e.getMessage()),
                        started,
                        took));
            }
        }
        return checks;
    }

    private static List<DataReadiness.Finding> everyStep(String check, String reason) {
        return ACTIONS.stream()
                .map(a -> new DataReadiness.Finding(a, check, ReadinessStatus.UNKNOWN, reason))
                .toList();
    }
}
