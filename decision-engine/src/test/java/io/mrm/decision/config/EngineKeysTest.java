package io.mrm.decision.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.policy.PolicySettings;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The keys under mrm.decision are the engine's own (typed here) and the policy's (PolicySettings'), nothing else. */
class EngineKeysTest {

    @Test
    void theEnginesSettingsRecordTakesExactlyTheEngineKeysAndThePolicysTopLevelKeys() {
        Set<String> components = Arrays.stream(DecisionEngineProperties.class.getRecordComponents())
                .map(c -> c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toSet());

        assertThat(components)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
                                PolicySettings.ENGINE_KEYS.stream(), PolicySettings.DECISION_KEYS.stream())
                        .toList());
    }
}
