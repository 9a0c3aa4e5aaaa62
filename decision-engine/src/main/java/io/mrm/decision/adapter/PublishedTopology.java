package io.mrm.decision.adapter;

import io.mrm.events.EventTypes;
import io.mrm.events.codec.EventJson;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.topology.TopologyState;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The last topology the engine published for each application, read back from the compacted topology
 * topic into a global store: every engine instance has all of it, restored before any input is
 * processed. When an application's state is gone (its store and changelog were reset) the engine
 * restores from it instead of starting at epoch 0 with the primary active, which would issue epochs
 * the actuators already refuse and could act on a region that is not the one serving.
 *
 * <p>Each entry keeps the record's coordinates, so the restore is journaled like any input and a
 * replay finds it.
 */
final class PublishedTopology {

    static final String STORE = "published-topology";

    /** One published topology and where it was read. */
    record Entry(int partition, long offset, TopologyState topology) {

        EngineStep.InputRef ref(String topic) {
            return new EngineStep.InputRef(
                    topology.id(), EventTypes.forClass(TopologyState.class).ceType(), topic, partition, offset);
        }
    }

    private PublishedTopology() {}

    /** Global stores are their topic's copy: no changelog of their own. */
    static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled();
    }

    /** Keeps the latest body per application, with its partition and offset. */
    static final class Loader implements Processor<byte[], byte[], Void, Void> {
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<Bytes, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(Bytes.wrap(record.key()));
                return;
            }
            RecordMetadata meta = context.recordMetadata().orElseThrow();
            store.put(Bytes.wrap(record.key()), encode(meta.partition(), meta.offset(), record.value()));
        }
    }

    static byte[] encode(int partition, long offset, byte[] body) {
        return ByteBuffer.allocate(12 + body.length)
                .putInt(partition)
                .putLong(offset)
                .put(body)
                .array();
    }

    /** The entry, or null when there is none or it cannot be read as a topology (then nothing is restored). */
    static Entry decode(byte[] stored) {
        if (stored == null || stored.length < 12) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        try {
            return new Entry(
                    partition,
                    offset,
                    EventJson.readUnchecked(Arrays.copyOfRange(stored, 12, stored.length), TopologyState.class));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
