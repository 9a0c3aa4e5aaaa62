package io.mrm.audit;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The inputs the engine took, by topic partition and offset, as its journal names them: one bit per
 * offset from the first one seen, so an audit over millions of inputs stays small.
 */
final class TakenInputs {

    private static final class Partition {
        long base;
        BitSet offsets = new BitSet();

        Partition(long base) {
            this.base = base;
        }
    }

    private final Map<String, Partition> partitions = new HashMap<>();

    void add(String topic, int partition, long offset) {
        Partition p = partitions.computeIfAbsent(topic + "/" + partition, k -> new Partition(offset));
        if (offset < p.base) {
            // the journal names a partition's inputs in order; an earlier one (a re-run) moves the base
            BitSet shifted = new BitSet();
            int by = Math.toIntExact(p.base - offset);
            p.offsets.stream().forEach(i -> shifted.set(i + by));
            p.offsets = shifted;
            p.base = offset;
        }
        p.offsets.set(Math.toIntExact(offset - p.base));
    }

    boolean contains(String topic, int partition, long offset) {
        Partition p = partitions.get(topic + "/" + partition);
        return p != null
                && offset >= p.base
                && offset - p.base <= Integer.MAX_VALUE
                && p.offsets.get((int) (offset - p.base));
    }
}
