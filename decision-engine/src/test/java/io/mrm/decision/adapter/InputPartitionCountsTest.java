package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InputPartitionCountsTest {

    static final List<String> INPUTS = List.of("mrm.health.observations", "mrm.operator.requests", "mrm.command.acks");
    static final Map<String, Object> STREAMS =
            Map.of("application.id", "mrm.decision-engine", "bootstrap.servers", "localhost:9092");

    @Test
    void countsAreReadOnceAndKept() {
        AtomicInteger reads = new AtomicInteger();
        InputPartitionCounts counts = new InputPartitionCounts(INPUTS, (config, topics) -> {
            // a second read would see the topics grown; the engine must keep judging by the first
            int count = reads.incrementAndGet() == 1 ? 6 : 12;
            return Map.of(topics.get(0), count, topics.get(1), count, topics.get(2), count);
        });

        counts.load(STREAMS);
        counts.load(STREAMS);

        assertThat(reads).hasValue(1);
        assertThat(counts.of("mrm.operator.requests")).isEqualTo(6);
    }

    @Test
    void inputTopicsWithDifferentCountsStopTheTaskFromStarting() {
        InputPartitionCounts counts = new InputPartitionCounts(
                INPUTS, (config, topics) -> Map.of(topics.get(0), 6, topics.get(1), 12, topics.get(2), 6));

        assertThatThrownBy(() -> counts.load(STREAMS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("different partition counts")
                .hasMessageContaining("mrm.operator.requests=12");
        assertThatThrownBy(() -> counts.of("mrm.operator.requests")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedReadIsRetriedByTheNextTask() {
        AtomicInteger reads = new AtomicInteger();
        InputPartitionCounts counts = new InputPartitionCounts(INPUTS, (config, topics) -> {
            if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("cannot read the partition counts: timed out");
            }
            return Map.of(topics.get(0), 2, topics.get(1), 2, topics.get(2), 2);
        });

        assertThatThrownBy(() -> counts.load(STREAMS)).hasMessageContaining("timed out");
        counts.load(STREAMS);

        assertThat(counts.of("mrm.command.acks")).isEqualTo(2);
    }

    @Test
    void theAdminClientGetsTheStreamsConnectionSettingsAndItsOverrides() {
        Map<String, Object> admin = InputPartitionCounts.adminConfig(Map.of(
                "application.id",
                "mrm.decision-engine",
                "bootstrap.servers",
                "b:9093",
                "security.protocol",
                "SASL_SSL",
                "admin.request.timeout.ms",
                5000,
                "processing.guarantee",
                "exactly_once_v2"));

        assertThat(admin)
                .containsEntry("bootstrap.servers", "b:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("request.timeout.ms", 5000)
                .containsEntry("client.id", "mrm.decision-engine-partition-counts")
                .doesNotContainKey("processing.guarantee")
                .doesNotContainKey("application.id");
    }
}
