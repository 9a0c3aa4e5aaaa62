package io.mrm.health.adapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Require;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ObservationIdsTest {

    @Test
    void idsAreVersion4UuidsThatEventsAcceptAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ObservationIds.next();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(Require.EVENT_ID.matcher(id).matches()).isTrue();
            assertThat(seen.add(id)).isTrue();
        }
    }
}
