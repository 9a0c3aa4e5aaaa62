package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ApplicationLanesTest {

    final ApplicationLanes lanes = new ApplicationLanes("test");

    @Test
    void anApplicationsTasksRunInOrderOneAtATime() {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            int n = i;
            lanes.submit("orders", () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                ran.add(n);
                running.decrementAndGet();
            });
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 200);
        assertThat(ran).isSorted();
        assertThat(most).hasValue(1);
    }

    @Test
    void aHungRehearsalHoldsUpNoRealTaskOfItsApplication() throws InterruptedException {
        CountDownLatch backend = new CountDownLatch(1);
        CountDownLatch rehearsing = new CountDownLatch(1);
        CountDownLatch real = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        lanes.submit("orders", true, () -> {
            rehearsing.countDown();
            await(backend);
            ran.add("rehearsal-1");
        });
        lanes.submit("orders", true, () -> ran.add("rehearsal-2"));
        assertThat(rehearsing.await(30, TimeUnit.SECONDS)).isTrue();

        lanes.submit("orders", real::countDown);

        assertThat(real.await(30, TimeUnit.SECONDS))
                .as("the real task ran while the rehearsal hangs")
                .isTrue();
        assertThat(ran).as("rehearsals still wait for each other").isEmpty();
        backend.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 2);
        assertThat(ran).containsExactly("rehearsal-1", "rehearsal-2");
    }

    @Test
    void aBlockedApplicationHoldsUpOnlyItself() throws InterruptedException {
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch afterHung = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        lanes.submit("hung", () -> await(hung));
        lanes.submit("hung", () -> ran.add("hung-2"));
        for (int i = 0; i < 20; i++) {
            String app = "app-" + i;
            lanes.submit(app, () -> ran.add(app));
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 20);
        assertThat(ran).doesNotContain("hung-2");
        assertThat(lanes.active())
                .as("only the hung application still has a lane")
                .isEqualTo(1);

        lanes.submit("hung", afterHung::countDown);
        hung.countDown();
        assertThat(afterHung.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).last().isEqualTo("hung-2");
    }

    @Test
    void aLaneWithoutWorkHasNoThread() {
        CountDownLatch release = new CountDownLatch(1);
        lanes.submit("orders", () -> await(release));
        assertThat(lanes.active()).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> threadNamed("test/orders") != null);

        release.countDown();

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> lanes.active() == 0 && threadNamed("test/orders") == null);
    }

    @Test
    void aFailingTaskDoesNotStopItsLane() {
        List<String> ran = new CopyOnWriteArrayList<>();
        lanes.submit("orders", () -> {
            throw new IllegalStateException("boom");
        });
        lanes.submit("orders", () -> ran.add("next"));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ran.contains("next"));
    }

    @Test
    void anInterruptMeantForOneTaskDoesNotReachTheNext() {
        List<Boolean> interruptedAtStart = new CopyOnWriteArrayList<>();
        lanes.submit("orders", () -> Thread.currentThread().interrupt());
        lanes.submit(
                "orders", () -> interruptedAtStart.add(Thread.currentThread().isInterrupted()));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> interruptedAtStart.size() == 1);
        assertThat(interruptedAtStart).containsExactly(false);
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
