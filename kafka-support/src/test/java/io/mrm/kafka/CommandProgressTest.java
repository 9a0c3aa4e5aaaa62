package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CommandProgressTest {

    static final TopicPartition TP = new TopicPartition("mrm.commands.dns", 2);
    static final Duration LONG = Duration.ofSeconds(60);

    final CommandProgress progress = new CommandProgress(Clock.systemUTC());
    final List<Long> acknowledged = new CopyOnWriteArrayList<>();

    @Test
    void offsetsAreAcknowledgedOnlyUpToTheFirstCommandNotCompleted() {
        List<CommandProgress.Entry> entries =
                List.of(entry(0, null), entry(1, null), entry(2, null), entry(3, null), entry(4, null));
        entries.forEach(progress::start);

        progress.finish(entries.get(1), true);
        progress.finish(entries.get(2), true);
        assertThat(acknowledged).isEmpty();
        progress.finish(entries.get(0), true);
        assertThat(acknowledged).containsExactly(2L);
        progress.finish(entries.get(4), true);
        assertThat(acknowledged).containsExactly(2L);
        progress.finish(entries.get(3), true);
        assertThat(acknowledged).containsExactly(2L, 4L);
        assertThat(progress.pending()).containsEntry(TP, 0);
    }

    @Test
    void aCommandThatDidNotCompleteHoldsTheOffsetBack() {
        CommandProgress.Entry failed = entry(0, null);
        CommandProgress.Entry next = entry(1, null);
        progress.start(failed);
        progress.start(next);

        progress.finish(failed, false);
        progress.finish(next, true);

        assertThat(acknowledged).isEmpty();
    }

    @Test
    void aHandOverWaitsForTheRunningCommandAndStartsNoOther() {
        CountDownLatch backend = new CountDownLatch(1);
        CommandProgress.Entry running = entry(0, Instant.now().plus(LONG));
        CommandProgress.Entry queued = entry(1, Instant.now().plus(LONG));
        runOnLane(running, () -> await(backend));

        CompletableFuture<List<String>> handOver =
                CompletableFuture.supplyAsync(() -> progress.handOver(List.of(TP), LONG, LONG));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !progress.mayStart(queued));
        assertThat(handOver).as("waits while the command runs").isNotDone();

        backend.countDown();

        assertThat(handOver.join()).isEmpty();
        assertThat(acknowledged)
                .as("the completed command is committed with the hand-over")
                .containsExactly(0L);
        assertThat(progress.start(queued))
                .as("the next command is left to the new owner")
                .isFalse();
    }

    @Test
    void aCommandPastItsDeadlineIsInterruptedAndNotCommitted() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CommandProgress.Entry late = entry(0, Instant.now().minusSeconds(1));
        runOnLane(late, () -> {
            if (!await(never)) {
                interrupted.set(true);
                throw new IllegalStateException("interrupted");
            }
        });

        List<String> left = progress.handOver(List.of(TP), LONG, Duration.ofMillis(100));

        assertThat(left).isEmpty();
        assertThat(interrupted).isTrue();
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void aCommandIgnoringItsInterruptIsLeftBehindAfterTheBoundAndNeverCommitted() {
        CountDownLatch backend = new CountDownLatch(1);
        CommandProgress.Entry stubborn = entry(0, Instant.now().minusSeconds(1));
        runOnLane(stubborn, () -> {
            while (!await(backend)) {
                // a call that swallows interrupts
            }
        });

        List<String> left = progress.handOver(List.of(TP), Duration.ofSeconds(1), Duration.ZERO);
        backend.countDown();

        assertThat(left).containsExactly("command 0");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> progress.pending().isEmpty() && !isRunning());
        assertThat(acknowledged)
                .as("completed after its partition left: not this instance's to commit")
                .isEmpty();
    }

    @Test
    void aRetryPauseEndsWhenThePartitionIsHandedOver() {
        CommandProgress.Entry retrying = entry(0, Instant.now().plus(LONG));
        AtomicBoolean retry = new AtomicBoolean(true);
        runOnLane(retrying, () -> retry.set(progress.pause(retrying, LONG)));

        List<String> left = progress.handOver(List.of(TP), LONG, LONG);

        assertThat(left).isEmpty();
        assertThat(retry).isFalse();
        assertThat(progress.abandoning(retrying)).isTrue();
    }

    @Test
    void aLostPartitionsCommandsAreStoppedAtOnce() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CommandProgress.Entry running = entry(0, Instant.now().plus(LONG));
        CommandProgress.Entry queued = entry(1, Instant.now().plus(LONG));
        runOnLane(running, () -> interrupted.set(!await(never)));

        progress.drop(List.of(TP));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(interrupted::get);
        assertThat(progress.start(queued)).isFalse();
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void otherPartitionsAreNotHandedOver() {
        CommandProgress.Entry other = progress.register(
                new ConsumerRecord<>(TP.topic(), 3, 7, null, null), () -> acknowledged.add(7L), null, "other");

        progress.handOver(List.of(TP), LONG, LONG);

        assertThat(progress.start(other)).isTrue();
        progress.finish(other, true);
        assertThat(acknowledged).containsExactly(7L);
    }

    @Test
    void waitsRunOnTheirOwnTimeNotOnTheServicesClock() {
        Instant frozen = Instant.now();
        CommandProgress stopped = new CommandProgress(Clock.fixed(frozen, java.time.ZoneOffset.UTC));
        CommandProgress.Entry retrying = stopped.register(
                new ConsumerRecord<>(TP.topic(), TP.partition(), 0, null, null),
                () -> acknowledged.add(0L),
                frozen.minusSeconds(1),
                "late");
        assertThat(stopped.start(retrying)).isTrue();
        assertThat(stopped.pause(retrying, Duration.ofMillis(20)))
                .as("a retry pause ends")
                .isTrue();
        stopped.finish(retrying, false);

        CountDownLatch never = new CountDownLatch(1);
        CommandProgress.Entry late = stopped.register(
                new ConsumerRecord<>(TP.topic(), TP.partition(), 1, null, null),
                () -> acknowledged.add(1L),
                frozen.minusSeconds(1),
                "late");
        CountDownLatch started = new CountDownLatch(1);
        Thread lane = new Thread(() -> {
            stopped.start(late);
            started.countDown();
            stopped.finish(late, await(never));
        });
        lane.setDaemon(true);
        lane.start();
        assertThat(await(started)).isTrue();

        assertThat(stopped.handOver(List.of(TP), LONG, Duration.ofMillis(100)))
                .as("past its deadline: interrupted")
                .isEmpty();
    }

    private final List<Thread> lanes = new CopyOnWriteArrayList<>();

    /** Runs the entry on a thread of its own, as a lane would (completed unless {@code work} throws); returns once it runs. */
    private void runOnLane(CommandProgress.Entry entry, Runnable work) {
        CountDownLatch started = new CountDownLatch(1);
        Thread lane = new Thread(() -> {
            boolean completed = false;
            try {
                assertThat(progress.start(entry)).isTrue();
                started.countDown();
                work.run();
                completed = true;
            } catch (RuntimeException e) {
                // failed, as a handler interrupted in a call does
            } finally {
                progress.finish(entry, completed);
            }
        });
        lane.setDaemon(true);
        lanes.add(lane);
        lane.start();
        assertThat(await(started)).isTrue();
    }

    private boolean isRunning() {
        return lanes.stream().anyMatch(Thread::isAlive);
    }

    private CommandProgress.Entry entry(long offset, Instant deadline) {
        return progress.register(
                new ConsumerRecord<>(TP.topic(), TP.partition(), offset, null, null),
                () -> acknowledged.add(offset),
                deadline,
                "command " + offset);
    }

    /** False when interrupted. */
    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }
}
