package io.mrm.decision.adapter;

import io.mrm.decision.domain.ApplicationState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The engine's application states, deserialized in memory in front of a persistent, changelogged
 * key-value store. Serializing a state on every input was the largest cost per observation; here a
 * state is serialized and written (to RocksDB and the changelog) once per commit, however many
 * inputs changed it.
 *
 * <p>Why this is still exactly-once: Kafka Streams flushes every {@link CachedStateStore} of a task
 * when it prepares a commit, before it sends the consumed offsets and commits the transaction — so
 * the changelog records written by {@link #flushCache()} belong to the same transaction as the
 * outputs and offsets of the inputs that produced them (this is how Streams' own record cache
 * works). After an aborted transaction or a task move, Streams re-initializes or clears the store
 * and the in-memory states are dropped and re-read from the restored store.
 * {@code EngineKilledMidTransactionIT} and {@code EngineCrashSafetyIT} exercise exactly that.
 *
 * <p>{@link CachedStateStore} is an internal Kafka Streams interface; its contract (flushCache
 * before commit, clearCache on a dirty close) is what Streams' own caching layer relies on, and the
 * crash tests above fail if an upgrade changes it.
 */
public final class ApplicationStateStore implements StateStore, CachedStateStore<String, ApplicationState> {

    private final KeyValueStore<String, ApplicationState> inner;
    /** All states of this task's partitions, in key order (ticks visit them deterministically). */
    private TreeMap<String, ApplicationState> states;

    private final Set<String> dirty = new LinkedHashSet<>();

    ApplicationStateStore(KeyValueStore<String, ApplicationState> inner) {
        this.inner = inner;
    }

    /** A builder for the store, backed by RocksDB with a changelog, as Streams' own builders are. */
    static StoreBuilder<ApplicationStateStore> builder(String name) {
        return new Builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.String(), ApplicationStateSerde.create()));
    }

    public ApplicationState get(String applicationId) {
        return states().get(applicationId);
    }

    public void put(String applicationId, ApplicationState state) {
        states().put(applicationId, state);
        dirty.add(applicationId);
    }

    /** A snapshot of every state, in key order. */
    public List<KeyValue<String, ApplicationState>> all() {
        List<KeyValue<String, ApplicationState>> all = new ArrayList<>(states().size());
        states().forEach((key, value) -> all.add(KeyValue.pair(key, value)));
        return all;
    }

    private TreeMap<String, ApplicationState> states() {
        if (states == null) {
            // First use after (re-)initialization: the store has been restored by now.
            TreeMap<String, ApplicationState> loaded = new TreeMap<>();
            try (KeyValueIterator<String, ApplicationState> it = inner.all()) {
                it.forEachRemaining(kv -> loaded.put(kv.key, kv.value));
            }
            states = loaded;
        }
        return states;
    }

    /** Writes the states changed since the last commit to the store, which logs them to the changelog. */
    @Override
    public void flushCache() {
        if (!dirty.isEmpty()) {
            List<KeyValue<String, ApplicationState>> changed = new ArrayList<>(dirty.size());
            for (String key : dirty) {
                changed.add(KeyValue.pair(key, states.get(key)));
            }
            inner.putAll(changed);
            dirty.clear();
        }
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        forget();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, ApplicationState> listener, boolean sendOldValues) {
        return false;
    }

    private void forget() {
        states = null;
        dirty.clear();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        inner.init(context, root);
    }

    @Override
    public void flush() {
        flushCache();
        inner.flush();
    }

    @Override
    public void close() {
        forget();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    private record Builder(StoreBuilder<KeyValueStore<String, ApplicationState>> inner)
            implements StoreBuilder<ApplicationStateStore> {

        @Override
        public StoreBuilder<ApplicationStateStore> withCachingEnabled() {
            return new Builder(inner.withCachingEnabled());
        }

        @Override
        public StoreBuilder<ApplicationStateStore> withCachingDisabled() {
            return new Builder(inner.withCachingDisabled());
        }

        @Override
        public StoreBuilder<ApplicationStateStore> withLoggingEnabled(Map<String, String> config) {
            return new Builder(inner.withLoggingEnabled(config));
        }

        @Override
        public StoreBuilder<ApplicationStateStore> withLoggingDisabled() {
            return new Builder(inner.withLoggingDisabled());
        }

        @Override
        public ApplicationStateStore build() {
            return new ApplicationStateStore(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
