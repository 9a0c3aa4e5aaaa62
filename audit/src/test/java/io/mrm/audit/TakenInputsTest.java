package io.mrm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TakenInputsTest {

    @Test
    void anOffsetCountsOnlyWhereTheJournalNamedIt() {
        TakenInputs taken = new TakenInputs();
        taken.add("mrm.command.acks", 0, 1_000_000_005L);
        taken.add("mrm.command.acks", 0, 1_000_000_007L);
        taken.add("mrm.health.observations", 2, 3L);

        assertThat(taken.contains("mrm.command.acks", 0, 1_000_000_005L)).isTrue();
        assertThat(taken.contains("mrm.command.acks", 0, 1_000_000_006L))
                .as("refused: not journaled")
                .isFalse();
        assertThat(taken.contains("mrm.command.acks", 1, 1_000_000_005L))
                .as("another partition")
                .isFalse();
        assertThat(taken.contains("mrm.health.observations", 2, 3L)).isTrue();
        assertThat(taken.contains("mrm.command.acks", 0, 4L))
                .as("before the first one named")
                .isFalse();
    }

    @Test
    void anEarlierOffsetNamedLaterKeepsWhatWasNamedBefore() {
        TakenInputs taken = new TakenInputs();
        taken.add("t", 0, 100L);
        taken.add("t", 0, 103L);
        taken.add("t", 0, 98L);

        assertThat(taken.contains("t", 0, 98L)).isTrue();
        assertThat(taken.contains("t", 0, 100L)).isTrue();
        assertThat(taken.contains("t", 0, 103L)).isTrue();
        assertThat(taken.contains("t", 0, 99L)).isFalse();
        assertThat(taken.contains("t", 0, 101L)).isFalse();
    }
}
