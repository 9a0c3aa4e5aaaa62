package io.mrm.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The records a command listener has taken from each partition, and how far it may commit. Records
 * end in any order (each application has its own lane), but a partition's offset is acknowledged
 * only up to the first record that has not completed: a crash or a rebalance redelivers exactly what
 * did not complete.
 *
 * <p>And the hand-over of partitions that leave this instance: from the moment they are revoked no
 * record of theirs starts; {@link #handOver} returns once the records of theirs that were running
 * have ended (the completed ones acknowledged, so committed before the new owner reads), or once
 * each has been interrupted past its deadline, all within a bound.
 */
final class CommandProgress {

    private static final Logger log = LoggerFactory.getLogger(CommandProgress.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** One record taken from a partition. */
    static final class Entry {
        private final Partition partition;
        private final long offset;
        private final Acknowledgment ack;
        private final Instant deadline;
        private final String what;
        private Thread thread;
        private long startedNanos;
        private boolean done;
        private boolean cancelled;

        private Entry(Partition partition, long offset, Acknowledgment ack, Instant deadline, String what) {
            this.partition = partition;
            this.offset = offset;
            this.ack = ack;
            this.deadline = deadline;
            this.what = what;
        }

        /**
         * When (on {@link System#nanoTime()}) a command that keeps its deadline has ended, its
         * acknowledgement sent; the deadline is read on the clock once, waits are measured on a monotonic one.
         */
        private long endByNanos(Instant now, long nowNanos, Duration ackGrace) {
            if (deadline == null) {
                return startedNanos + ackGrace.toNanos();
            }
            Duration left = Duration.between(now, deadline.plus(ackGrace));
            return nowNanos + (left.isNegative() ? 0 : left.toNanos());
        }

        @Override
        public String toString() {
            return what;
        }
    }

    private static final class Partition {
        private final TreeMap<Long, Entry> pending = new TreeMap<>();
        private final List<Entry> running = new ArrayList<>();
        /** Being handed over: nothing more of it starts. */
        private boolean leaving;
        /** Handed over: nothing more of it is acknowledged. */
        private boolean gone;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private final Clock clock;

    CommandProgress(Clock clock) {
        this.clock = clock;
    }

    /** Takes a record delivered by the consumer; {@code deadline} is null for one that has none. */
    synchronized Entry register(ConsumerRecord<?, ?> record, Acknowledgment ack, Instant deadline, String what) {
        Partition partition = partitions.computeIfAbsent(
                new TopicPartition(record.topic(), record.partition()), tp -> new Partition());
        Entry entry = new Entry(partition, record.offset(), ack, deadline, what);
        partition.pending.put(record.offset(), entry);
        return entry;
    }

    /** Marks the entry running on this thread, unless its partition is leaving: then it must not run here. */
    synchronized boolean start(Entry entry) {
        if (!mayStart(entry)) {
            return false;
        }
        entry.thread = Thread.currentThread();
        entry.startedNanos = System.nanoTime();
        entry.partition.running.add(entry);
        return true;
    }

    synchronized boolean mayStart(Entry entry) {
        return !entry.partition.leaving && !entry.cancelled;
    }

    /** The entry's run has ended; a completed one counts towards the partition's committed offset. */
    synchronized void finish(Entry entry, boolean completed) {
        entry.partition.running.remove(entry);
        entry.thread = null;
        if (completed) {
            entry.done = true;
            acknowledgeCompleted(entry.partition);
        }
        notifyAll();
    }

    /** Whether the entry should stop rather than retry: its partition is leaving, or it was interrupted for that. */
    synchronized boolean abandoning(Entry entry) {
        return entry.cancelled || entry.partition.leaving;
    }

    /**
     * Waits {@code pause} before a retry; returns early, false, when the entry should stop instead
     * (see {@link #abandoning}).
     */
    synchronized boolean pause(Entry entry, Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        while (!abandoning(entry)) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * Hands partitions over (in the revocation callback, before their offsets are committed). No
     * record of theirs starts from now on; each running one is waited for until its deadline plus
     * {@code ackGrace}, then interrupted; the whole wait ends within {@code maxWait}. Completed
     * records have been acknowledged when this returns, and none will be afterwards.
     *
     * @return what was still running when the wait ended (interrupted, but it did not end in time)
     */
    synchronized List<String> handOver(Collection<TopicPartition> revoked, Duration maxWait, Duration ackGrace) {
        List<Partition> leaving = new ArrayList<>();
        for (TopicPartition tp : revoked) {
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                partition.leaving = true;
                leaving.add(partition);
            }
        }
        notifyAll(); // retries pausing on these partitions give up now
        long start = System.nanoTime();
        long giveUp = start + maxWait.toNanos();
        long lastStop = giveUp - Math.min(STOP_GRACE.toNanos(), maxWait.toNanos() / 4);
        Instant now = clock.instant();
        Map<Entry, Long> stopAt = new HashMap<>();
        running(leaving)
                .forEach(entry -> stopAt.put(entry, Math.min(entry.endByNanos(now, start, ackGrace), lastStop)));
        try {
            while (true) {
                List<Entry> running = running(leaving);
                long nanos = System.nanoTime();
                if (running.isEmpty() || nanos - giveUp >= 0) {
                    break;
                }
                long wake = giveUp;
                for (Entry entry : running) {
                    long stop = stopAt.get(entry);
                    if (nanos - stop < 0) {
                        wake = Math.min(wake, stop);
                    } else {
                        stop(
                                entry,
                                "its partition is being handed over and it is still running "
                                        + (nanos - entry.startedNanos) / 1_000_000 + " ms after it started"
                                        + (entry.deadline == null ? "" : " (deadline " + entry.deadline + ")"));
                    }
                }
                wait(Math.max(1, (wake - nanos) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Entry> left = running(leaving);
        left.forEach(entry -> stop(entry, "the hand-over ended"));
        leaving.forEach(partition -> partition.gone = true);
        if (!left.isEmpty()) {
            log.error(
                    "handing {} over after {} ms with {} still running, though interrupted: their new owner may "
                            + "start them while they run here (raise mrm.kafka.commands.max-revocation-wait, or make the "
                            + "handler keep its deadline)",
                    revoked,
                    (System.nanoTime() - start) / 1_000_000,
                    left);
        } else if (!leaving.isEmpty()) {
            log.info("handed {} over after {} ms", revoked, (System.nanoTime() - start) / 1_000_000);
        }
        return left.stream().map(Entry::toString).toList();
    }

    /** Partitions lost (this instance was evicted): someone else may own them already, so stop at once. */
    synchronized void drop(Collection<TopicPartition> lost) {
        for (TopicPartition tp : lost) {
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                partition.leaving = true;
                partition.gone = true;
                new ArrayList<>(partition.running).forEach(entry -> stop(entry, "its partition was lost"));
            }
        }
        notifyAll();
    }

    /** Records taken and not yet acknowledged, per partition (for diagnostics). */
    synchronized Map<TopicPartition, Integer> pending() {
        Map<TopicPartition, Integer> counts = new HashMap<>();
        partitions.forEach((tp, partition) -> counts.put(tp, partition.pending.size()));
        return counts;
    }

    private void acknowledgeCompleted(Partition partition) {
        if (partition.gone) {
            return;
        }
        Entry last = null;
        while (!partition.pending.isEmpty() && partition.pending.firstEntry().getValue().done) {
            last = partition.pending.pollFirstEntry().getValue();
        }
        if (last != null) {
            // the lane thread's own interrupt (meant for a command that has ended) must not fail the ack
            Thread.interrupted();
            last.ack.acknowledge();
        }
    }

    private void stop(Entry entry, String why) {
        if (!entry.cancelled && entry.thread != null) {
            entry.cancelled = true;
            log.warn("interrupting {}: {}", entry, why);
            entry.thread.interrupt();
        }
    }

    private static List<Entry> running(List<Partition> partitions) {
        List<Entry> running = new ArrayList<>();
        partitions.forEach(partition -> running.addAll(partition.running));
        return running;
    }
}
