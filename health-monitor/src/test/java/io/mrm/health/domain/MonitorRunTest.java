package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MonitorRunTest {

    static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");

    static HealthObservation observation(String applicationId, String id) {
        return new HealthObservation(
                id,
                applicationId,
                NOW,
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-a",
                HealthStatus.UP,
                3L,
                "HTTP 200",
                "us10");
    }

    @Test
    void eachApplicationIsNumberedFromOneWithinOneRun() {
        MonitorRun run = new MonitorRun("run-1");
        List<HealthObservation> sent = new ArrayList<>();

        for (String app : List.of("orders", "orders", "billing", "orders", "billing")) {
            run.publish(observation(app, UUID.randomUUID().toString()), sent::add);
        }

        assertThat(sent).extracting(HealthObservation::monitorRun).containsOnly("run-1");
        assertThat(sent)
                .extracting(HealthObservation::applicationId, HealthObservation::sequence)
                .containsExactly(
                        tuple("orders", 1L),
                        tuple("orders", 2L),
                        tuple("billing", 1L),
                        tuple("orders", 3L),
                        tuple("billing", 2L));
        assertThat(sent.get(0))
                .usingRecursiveComparison()
                .ignoringFields("monitorRun", "sequence")
                .isEqualTo(observation("orders", sent.get(0).id()));
        assertThat(run.handedOver("orders")).isEqualTo(3);
        assertThat(run.handedOver("unknown")).isZero();
    }

    @Test
    void aRandomRunHasAValidEventIdThatDiffersFromTheNextStart() {
        MonitorRun first = MonitorRun.random();
        MonitorRun second = MonitorRun.random();

        assertThat(first.id()).matches(Require.EVENT_ID);
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThatThrownBy(() -> new MonitorRun("not an id")).hasMessageContaining("monitorRun");
    }

    @Test
    void aHandOverThatThrowsSentNothingAndLeavesNoGap() {
        MonitorRun run = new MonitorRun("run-1");
        List<HealthObservation> sent = new ArrayList<>();
        run.publish(observation("orders", "o-1"), sent::add);

        assertThatThrownBy(() -> run.publish(observation("orders", "o-2"), o -> {
                    throw new IllegalStateException("producer closed");
                }))
                .hasMessage("producer closed");
        run.publish(observation("orders", "o-3"), sent::add);

        assertThat(sent).extracting(HealthObservation::sequence).containsExactly(1L, 2L);
    }

    /**
     * Threads racing to publish one application's observations: the publisher receives them in number
     * order, 1 to N without a gap, because numbering and hand-over are one step. The race must have
     * happened (hand-overs from different threads interleaved), or this proves nothing.
     */
    @Test
    void concurrentPublishersHandOverInNumberOrder() throws Exception {
        int threads = 8;
        int each = 2_000;
        MonitorRun run = new MonitorRun("run-1");
        List<HealthObservation> producer = new ArrayList<>(); // appended to under the run's lock only
        List<String> senders = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String sender = "t" + t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        run.publish(observation("orders", sender + "-" + i), o -> {
                            producer.add(o);
                            senders.add(sender);
                            return null;
                        });
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(producer).hasSize(threads * each);
        for (int i = 0; i < producer.size(); i++) {
            assertThat(producer.get(i).sequence()).as("position " + i).isEqualTo(i + 1L);
        }
        AtomicInteger switches = new AtomicInteger();
        for (int i = 1; i < senders.size(); i++) {
            if (!senders.get(i).equals(senders.get(i - 1))) {
                switches.incrementAndGet();
            }
        }
        assertThat(switches.get())
                .as("hand-overs from different threads interleaved")
                .isPositive();
    }
}
