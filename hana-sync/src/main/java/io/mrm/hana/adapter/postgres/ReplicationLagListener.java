package io.mrm.hana.adapter.postgres;

/** Told about every applied change: when its transaction committed on the source and when it was applied (epoch ms). */
@FunctionalInterface
public interface ReplicationLagListener {

    void applied(long sourceCommitMillis, long appliedMillis);
}
