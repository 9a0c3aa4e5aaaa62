package io.mrm.simulation.world;

/** What the checks want to hear from the world the moment it happens. */
public interface WorldListener {

    /** DNS now sends traffic to {@code to} (it sent it to {@code from}), set by {@code decisionId}'s command. */
    void dnsMoved(String from, String to, long epoch, String decisionId, long nowMs);

    /** {@code region}'s database became the primary under {@code epoch}, by {@code decisionId}'s command. */
    void promoted(String region, long epoch, String decisionId, long nowMs);

    /** Anything else changed: a region failed or recovered, a broker or a database changed role. */
    void changed(long nowMs);

    WorldListener NONE = new WorldListener() {
        @Override
        public void dnsMoved(String from, String to, long epoch, String decisionId, long nowMs) {}

        @Override
        public void promoted(String region, long epoch, String decisionId, long nowMs) {}

        @Override
        public void changed(long nowMs) {}
    };
}
