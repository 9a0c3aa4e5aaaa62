package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.decision.domain.SeenNonce;
import io.mrm.events.decision.StepAction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's contract with Kafka Streams: nothing reaches the inner store before flushCache. */
class ApplicationStateStoreTest {

    final KeyValueStore<String, ApplicationState> inner = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore("application-state"), Serdes.String(), ApplicationStateSerde.create())
            .withLoggingDisabled()
            .build();
    final ApplicationStateStore store = new ApplicationStateStore(inner);

    @BeforeEach
    void init() {
        store.init(new MockProcessorContext<String, byte[]>().getStateStoreContext(), store);
    }

    static ApplicationState state(String id, long epoch) {
        ApplicationPolicy policy = new ApplicationPolicy(
                id,
                "eu10",
                "us10",
                Set.of("app"),
                Set.of(),
                2,
                2,
                2,
                Duration.ofSeconds(20),
                DecisionMode.AUTOMATIC,
                Duration.ofMinutes(10),
                2,
                Duration.ofHours(1),
                List.of(StepAction.DNS_ROUTE),
                List.of(),
                Duration.ofSeconds(15),
                2,
                Duration.ofSeconds(1),
                Set.of(),
                false,
                Set.of("vantage-1", "vantage-2"),
                null,
                null,
                null,
                null,
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
        ApplicationState initial = ApplicationState.initial(policy, "obs-first");
        return new ApplicationState(
                initial.applicationId(),
                epoch,
                initial.activeRegion(),
                initial.standbyRegion(),
                initial.phase(),
                initial.frozen(),
                initial.holdDownUntil(),
                initial.lastDecisionId(),
                initial.counters(),
                initial.run(),
                initial.outputSeq(),
                initial.automaticFailovers(),
                initial.raisedAlerts(),
                List.of(new SeenNonce("alice", "nonce-" + epoch + "-0123456789", Instant.EPOCH)),
                initial.lineage(),
                epoch,
                null,
                List.of(),
                null,
                java.util.Map.of(),
                null,
                java.util.Map.of(),
                null,
                null,
                null,
                List.of(),
                null);
    }

    @Test
    void changesReachTheInnerStoreOnlyWhenStreamsFlushesBeforeCommitting() {
        store.put("orders", state("orders", 1));
        store.put("orders", state("orders", 2));
        assertThat(store.get("orders").epoch()).isEqualTo(2);
        assertThat(inner.get("orders")).as("nothing written per input").isNull();

        store.flushCache();
        assertThat(inner.get("orders").epoch()).as("the last state, once").isEqualTo(2);
    }

    @Test
    void clearingTheCacheDropsWhatWasNotFlushed() {
        store.put("orders", state("orders", 1));
        store.flushCache();
        store.put("orders", state("orders", 5));
        // what Streams does when it aborts a transaction: the unflushed change must not survive
        store.clearCache();
        assertThat(store.get("orders").epoch()).isEqualTo(1);
        store.flushCache();
        assertThat(inner.get("orders").epoch()).isEqualTo(1);
    }

    @Test
    void statesAlreadyInTheInnerStoreAreReadOnFirstUseAndVisitedInKeyOrder() {
        inner.put("payments", state("payments", 3));
        inner.put("billing", state("billing", 4)); // restored before the processor's first input
        store.put("orders", state("orders", 1));
        assertThat(store.all()).extracting(kv -> kv.key).containsExactly("billing", "orders", "payments");
        assertThat(store.all()).extracting(kv -> kv.value.epoch()).containsExactly(4L, 1L, 3L);
        KeyValue<String, ApplicationState> first = store.all().get(0);
        assertThat(first.value).isEqualTo(inner.get("billing"));
    }
}
