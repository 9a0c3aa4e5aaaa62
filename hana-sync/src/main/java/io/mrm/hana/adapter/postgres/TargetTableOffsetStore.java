package io.mrm.hana.adapter.postgres;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store for one pipeline, backed by the row the {@link ChangeApplier} writes in the
 * target database. The applier stores the source position in the same transaction as the rows it
 * applies, so the position and the effects are durable together: after a crash the engine resumes
 * exactly after the last committed change, and nothing is lost or applied twice. The engine's own
 * offset flushes therefore write nothing ({@link #save()}).
 *
 * <p>Debezium creates this class by name, so the pipeline hands it its loader through a registry
 * keyed by the pipeline id ({@value #PIPELINE_KEY} in the engine's configuration).
 */
public final class TargetTableOffsetStore extends MemoryOffsetBackingStore {

    static final String PIPELINE_KEY = "offset.storage.mrm.pipeline";
    private static final Map<String, Supplier<Map<ByteBuffer, ByteBuffer>>> LOADERS = new ConcurrentHashMap<>();

    private String pipeline;

    static void register(String pipeline, Supplier<Map<ByteBuffer, ByteBuffer>> loader) {
        LOADERS.put(pipeline, loader);
    }

    static void unregister(String pipeline) {
        LOADERS.remove(pipeline);
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        pipeline = config.originalsStrings().get(PIPELINE_KEY);
    }

    @Override
    public synchronized void start() {
        super.start();
        Supplier<Map<ByteBuffer, ByteBuffer>> loader = LOADERS.get(pipeline);
        if (loader == null) {
            throw new IllegalStateException("no offset loader registered for pipeline " + pipeline);
        }
        data.putAll(loader.get());
    }

    @Override
    protected void save() {
        // the applier already committed these offsets with the rows they describe
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
