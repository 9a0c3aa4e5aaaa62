package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.VirtualTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the monitors have told the engine, worked out again from the observations it was given and when
 * — independently of the core's health code — as docs/architecture.md's "How the decision engine decides" states
 * the rules: per (region, component, vantage) consecutive failures and successes with hysteresis; a
 * report counts from its own time or its arrival, whichever is earlier; fresh means not older than
 * stale-after; a quorum of fresh vantages calling a health component down makes a region DOWN, a quorum
 * of fresh ones calling every health component up (and whose latest report is not a failure) makes it
 * UP. A replay of the same monitor run (a sequence number not above the last) tells nothing, nor does
 * a report of another run stamped no later than the latest one counted.
 *
 * <p>It is the engine's knowledge, not the world's: when the engine loses its state it starts afresh.
 * The verdicts are worked out once per instant and kept until the next observation (the checks ask
 * many questions per step).
 */
final class HealthOracle {

    enum Verdict {
        ACCEPTED,
        UNKNOWN_SOURCE,
        CLOCK_SKEW
    }

    /** What one vantage reported last about one component of one region. */
    private static final class Seen {
        final String region;
        final String component;
        final String vantage;
        int failures;
        int successes;
        boolean down;
        HealthStatus last;
        long lastSeenMs;
        String run;
        Long sequence;

        Seen(String region, String component, String vantage) {
            this.region = region;
            this.component = component;
            this.vantage = vantage;
        }
    }

    private final ApplicationPolicy policy;
    private final long staleMs;
    private final String[] regions;
    private final List<Seen> seen = new ArrayList<>();
    private Long firstCountedMs;
    /** Verdicts at {@link #memoAt}, per region (index 0 the primary, 1 the standby). */
    private long memoAt = Long.MIN_VALUE;

    private final boolean[] downMemo = new boolean[2];
    private final boolean[] upMemo = new boolean[2];
    private final int[] watchingMemo = new int[2];
    private boolean blindMemo;

    HealthOracle(ApplicationPolicy policy) {
        this.policy = policy;
        this.staleMs = policy.staleAfter().toMillis();
        this.regions = new String[] {policy.primaryRegion(), policy.standbyRegion()};
    }

    void forget() {
        seen.clear();
        firstCountedMs = null;
        memoAt = Long.MIN_VALUE;
    }

    /** Whether the engine must take this observation, or refuse it and why. */
    Verdict verdict(HealthObservation o, long nowMs) {
        boolean declared = policy.hasRegion(o.region())
                && (policy.healthComponents().contains(o.component())
                        || policy.alertComponents().contains(o.component()))
                && (policy.vantages().isEmpty() || policy.vantages().contains(o.vantage()));
        if (!declared) {
            return Verdict.UNKNOWN_SOURCE;
        }
        long ahead = VirtualTime.ms(o.time()) - nowMs;
        return ahead > policy.maxObservationSkew().toMillis() ? Verdict.CLOCK_SKEW : Verdict.ACCEPTED;
    }

    /** Takes an accepted observation at {@code nowMs}. */
    void take(HealthObservation o, long nowMs) {
        Seen s = null;
        for (Seen candidate : seen) {
            if (candidate.region.equals(o.region())
                    && candidate.component.equals(o.component())
                    && candidate.vantage.equals(o.vantage())) {
                s = candidate;
                break;
            }
        }
        if (s != null) {
            boolean sameRun = o.monitorRun() != null
                    && o.sequence() != null
                    && o.monitorRun().equals(s.run)
                    && s.sequence != null;
            if (sameRun && o.sequence() <= s.sequence) {
                return; // a replay, or reordered behind a later report of the same run
            }
            if (!sameRun && !(o.monitorRun() == null && s.run == null) && VirtualTime.ms(o.time()) <= s.lastSeenMs) {
                return; // another run's report no newer than the latest counted: a replay
            }
        }
        if (s == null) {
            s = new Seen(o.region(), o.component(), o.vantage());
            seen.add(s);
        }
        if (firstCountedMs == null) {
            firstCountedMs = nowMs;
        }
        if (o.status() == HealthStatus.DOWN) {
            s.failures++;
            s.successes = 0;
            s.down = s.down || s.failures >= policy.failureThreshold();
        } else {
            s.successes++;
            s.failures = 0;
            s.down = s.down && s.successes < policy.recoveryThreshold();
        }
        s.last = o.status();
        s.lastSeenMs = Math.min(VirtualTime.ms(o.time()), nowMs);
        s.run = o.monitorRun();
        s.sequence = o.sequence();
        memoAt = Long.MIN_VALUE;
    }

    boolean down(String region, long nowMs) {
        return judge(nowMs).downMemo[index(region)];
    }

    boolean up(String region, long nowMs) {
        return judge(nowMs).upMemo[index(region)];
    }

    /** Some vantage has reported, and none recently. */
    boolean blind(long nowMs) {
        return judge(nowMs).blindMemo;
    }

    /** The fewest vantages with fresh reports of any health component of the region. */
    int watching(String region, long nowMs) {
        return judge(nowMs).watchingMemo[index(region)];
    }

    /** The monitors have had stale-after since the first report was counted (the grace before QUORUM_LOST). */
    boolean graceOver(long nowMs) {
        return firstCountedMs != null && nowMs >= firstCountedMs + staleMs;
    }

    private int index(String region) {
        return regions[0].equals(region) ? 0 : 1;
    }

    private boolean fresh(Seen s, long nowMs) {
        return nowMs - s.lastSeenMs <= staleMs;
    }

    private HealthOracle judge(long nowMs) {
        if (memoAt == nowMs) {
            return this;
        }
        memoAt = nowMs;
        boolean anyFresh = false;
        for (Seen s : seen) {
            anyFresh |= fresh(s, nowMs);
        }
        blindMemo = !seen.isEmpty() && !anyFresh;
        for (int r = 0; r < 2; r++) {
            boolean down = false;
            boolean allUp = true;
            int fewest = Integer.MAX_VALUE;
            for (String component : policy.healthComponents()) {
                int downs = 0;
                int ups = 0;
                int watching = 0;
                for (Seen s : seen) {
                    if (s.region.equals(regions[r]) && s.component.equals(component) && fresh(s, nowMs)) {
                        watching++;
                        if (s.down) {
                            downs++;
                        } else if (s.last != HealthStatus.DOWN) {
                            ups++;
                        }
                    }
                }
                down |= downs >= policy.quorum();
                allUp &= ups >= policy.quorum();
                fewest = Math.min(fewest, watching);
            }
            downMemo[r] = down;
            upMemo[r] = !down && allUp;
            watchingMemo[r] = fewest == Integer.MAX_VALUE ? 0 : fewest;
        }
        return this;
    }

    String describe(String region, long nowMs) {
        StringBuilder b = new StringBuilder(region).append(": ");
        seen.stream()
                .filter(s -> s.region.equals(region))
                .sorted(Comparator.comparing((Seen s) -> s.vantage + s.component))
                .forEach(s -> b.append(s.vantage)
                        .append('/')
                        .append(s.component)
                        .append(' ')
                        .append(s.last)
                        .append(s.down ? "(down)" : "")
                        .append(" f=")
                        .append(s.failures)
                        .append(" s=")
                        .append(s.successes)
                        .append(fresh(s, nowMs) ? " fresh" : " STALE")
                        .append(" seen ")
                        .append(Trace.clock(s.lastSeenMs))
                        .append("; "));
        return b.toString();
    }
}
