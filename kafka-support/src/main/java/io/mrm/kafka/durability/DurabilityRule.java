package io.mrm.kafka.durability;

import java.util.ArrayList;
import java.util.List;

/**
 * How durable MRM's topics must be: every partition on at least {@value #MIN_REPLICATION_FACTOR}
 * brokers (one per site) and a write acknowledged by at least {@value #MIN_INSYNC_REPLICAS}, so that
 * losing any one site loses no acknowledged event and stops no write (see docs/operations.md, "Surviving the loss
 * of a region"). Weaker settings are refused unless explicitly allowed, which only a single-broker
 * development stack should do.
 */
public final class DurabilityRule {

    public static final int MIN_REPLICATION_FACTOR = 3;
    public static final int MIN_INSYNC_REPLICAS = 2;
    public static final String ALLOW_SETTING = "mrm.kafka.allow-weak-durability";
    public static final String LOCAL_PROFILE = "local";

    /** How to allow weak durability, for error messages. */
    static final String HOW_TO_ALLOW = "On a single-broker development stack, start with the Spring profile '"
            + LOCAL_PROFILE + "' (SPRING_PROFILES_ACTIVE=" + LOCAL_PROFILE + ", which also sets replication 1) or set "
            + ALLOW_SETTING + "=true.";

    private DurabilityRule() {}

    /**
     * Refuses a replication factor or {@code min.insync.replicas} below the minimum, unless allowed.
     *
     * @param replicationSetting the name of the setting the replication factor comes from, for the message
     * @param minInsyncSetting   the name of the setting {@code min.insync.replicas} comes from
     * @throws WeakDurabilityException naming each weak setting, its value, its minimum and how to allow it
     */
    public static void require(
            boolean allowWeak,
            String replicationSetting,
            int replicationFactor,
            String minInsyncSetting,
            int minInsyncReplicas) {
        List<String> problems = problems(replicationSetting, replicationFactor, minInsyncSetting, minInsyncReplicas);
        if (!allowWeak && !problems.isEmpty()) {
            throw new WeakDurabilityException(String.join("; ", problems) + ". Raise "
                    + (problems.size() == 1 ? "it" : "them") + " (MRM_REPLICATION_FACTOR, MRM_MIN_INSYNC_REPLICAS). "
                    + HOW_TO_ALLOW);
        }
    }

    /** Whether these values are below the minimum. */
    public static boolean isWeak(int replicationFactor, int minInsyncReplicas) {
        return replicationFactor < MIN_REPLICATION_FACTOR || minInsyncReplicas < MIN_INSYNC_REPLICAS;
    }

    /** Each value below its minimum, as "{@code setting is value, below the minimum of n}". */
    static List<String> problems(
            String replicationSetting, int replicationFactor, String minInsyncSetting, int minInsyncReplicas) {
        List<String> problems = new ArrayList<>();
        if (replicationFactor < MIN_REPLICATION_FACTOR) {
            problems.add(replicationSetting + " is " + replicationFactor + ", below the minimum of "
                    + MIN_REPLICATION_FACTOR + " (one replica per site)");
        }
        if (minInsyncReplicas < MIN_INSYNC_REPLICAS) {
            problems.add(minInsyncSetting + " is " + minInsyncReplicas + ", below the minimum of " + MIN_INSYNC_REPLICAS
                    + " (a write acknowledged by two sites)");
        }
        return problems;
    }
}
