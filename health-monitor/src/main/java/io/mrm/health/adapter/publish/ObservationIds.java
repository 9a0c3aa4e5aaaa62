package io.mrm.health.adapter.publish;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random (version 4) UUIDs for observation ids, drawn from {@link ThreadLocalRandom} rather than
 * {@link UUID#randomUUID()}'s shared {@code SecureRandom}: ids need to be unique, not unpredictable, and
 * at thousands of observations a second the shared generator's lock and system calls showed in the
 * scale benchmark's profile.
 */
public final class ObservationIds {

    private ObservationIds() {}

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L; // version 4
        long least = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L; // IETF variant
        return new UUID(most, least).toString();
    }
}
