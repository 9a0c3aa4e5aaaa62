package io.mrm.mrmctl.domain;

import io.mrm.events.codec.TraceParent;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The trace an operator's request starts: the engine makes its decision a child of it, so a manual failover is one
 * trace from the request to every step's acknowledgement, as an automatic one is from the observation that crossed
 * the threshold. Sampled: a request is rare and worth keeping wherever traces are exported (the services' parent-based
 * sampling records it although their own probability is zero).
 */
public final class RequestTrace {

    private RequestTrace() {}

    /** A new root: random trace and span ids (W3C: 16 and 8 bytes, not all zero). */
    public static TraceParent start(RandomGenerator random) {
        return new TraceParent(nonZeroHex(random, 16), nonZeroHex(random, 8), true, null);
    }

    private static String nonZeroHex(RandomGenerator random, int bytes) {
        byte[] id = new byte[bytes];
        do {
            random.nextBytes(id);
        } while (allZero(id));
        return HexFormat.of().formatHex(id);
    }

    private static boolean allZero(byte[] id) {
        for (byte b : id) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
