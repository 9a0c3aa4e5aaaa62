package io.mrm.health.adapter.probe;

import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The monitor's own health, for readiness: ready only while it probes and the broker takes what it
 * publishes. A monitor whose publishing stopped (the broker unreachable, its producer broken) used to stay
 * Ready while the engine heard nothing from it; now it says so, with its counts — published, publish
 * failures, dropped, ticks skipped, probes not run — and how long ago the broker last confirmed an
 * observation. (The engine tracks each vantage point's silence on its own: quorum and blindness alerts.)
 */
public final class ProbingHealthIndicator extends AbstractHealthIndicator {

    private final ProbeScheduler scheduler;
    private final Duration stallAfter;
    private final boolean hasTargets;

    /**
     * @param stallAfter no observation confirmed for this long (with targets to probe) is not ready
     */
    public ProbingHealthIndicator(ProbeScheduler scheduler, Duration stallAfter, boolean hasTargets) {
        this.scheduler = scheduler;
        this.stallAfter = stallAfter;
        this.hasTargets = hasTargets;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Duration since = scheduler.sinceLastPublished();
        builder.withDetail("published", scheduler.publishedObservations())
                .withDetail("publishFailures", scheduler.publishFailures())
                .withDetail("dropped", scheduler.droppedObservations())
                .withDetail("skippedTicks", scheduler.skippedTicks())
                .withDetail("notProbed", scheduler.notProbedCount())
                .withDetail("lastPublishedMsAgo", since.toMillis());
        if (!scheduler.isRunning()) {
            builder.down().withDetail("reason", "not probing");
        } else if (!scheduler.publisherAlive()) {
            builder.down().withDetail("reason", "the publisher thread has ended");
        } else if (hasTargets && since.compareTo(stallAfter) > 0) {
            builder.down()
                    .withDetail(
                            "reason",
                            "no observation confirmed by the broker for " + since.toMillis() + " ms (at most "
                                    + stallAfter.toMillis() + " ms)");
        } else {
            builder.up();
        }
    }
}
