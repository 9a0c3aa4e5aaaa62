package io.mrm.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastInstantsTest {

    @Test
    void formatsExactlyLikeInstantToStringAndParsesItBack() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 0001-9999
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nano);
            String text = FastInstants.format(instant);
            assertThat(text).isEqualTo(instant.toString());
            assertThat(FastInstants.parse(text)).isEqualTo(instant);
        }
    }

    @Test
    void acceptsAnyFractionLengthAndLeavesOtherFormsToTheStandardParser() {
        assertThat(FastInstants.parse("2026-11-25T10:00:41.25Z")).isEqualTo(Instant.parse("2026-11-25T10:00:41.25Z"));
        assertThat(FastInstants.parse("2026-11-25T10:00:41.123456789Z"))
                .isEqualTo(Instant.parse("2026-11-25T10:00:41.123456789Z"));
        assertThat(FastInstants.parse("2026-11-25T10:00:41+01:00")).isNull();
        assertThat(FastInstants.parse("2026-02-30T10:00:41Z")).isNull();
        assertThat(FastInstants.parse("2026-11-25T24:00:00Z")).isNull();
        assertThat(FastInstants.parse("2026-11-25T10:00:41.Z")).isNull();
        assertThat(FastInstants.parse("2026-11-25 10:00:41Z")).isNull();
    }

    @Test
    void eventJsonStillAcceptsOffsetsThroughTheFallback() throws Exception {
        record Holder(Instant at) {}
        Holder holder = EventJson.read("{\"at\":\"2026-11-25T11:00:00+01:00\"}".getBytes(), Holder.class);
        assertThat(holder.at()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    }
}
