package io.mrm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {

    @Test
    void theDefaultPrefixIsMrm() {
        TopicNames names = TopicNames.defaults();

        assertThat(names.prefix()).isEqualTo("mrm.");
        assertThat(names.of(Topics.DECISIONS)).isEqualTo("mrm.decisions");
        assertThat(names.of(Topics.OBSERVATIONS)).isEqualTo("mrm.health.observations");
        assertThat(names.of(Topics.DEAD_LETTERS)).isEqualTo("mrm.dlq");
    }

    @Test
    void everyRegisteredTopicIsFoundByItsFullName() {
        TopicNames names = new TopicNames("it-42.mrm.");

        for (Topic<?> topic : Topics.ALL) {
            assertThat(names.topicNamed(names.of(topic))).isSameAs(topic);
        }
        assertThat(Topics.ALL.stream().map(names::of).collect(Collectors.toSet()))
                .hasSize(Topics.ALL.size());
    }

    @Test
    void namesWithAnotherPrefixOrNoneAreNotOurs() {
        TopicNames names = TopicNames.defaults();

        assertThat(names.topicNamed("decisions")).isNull();
        assertThat(names.topicNamed("other.decisions")).isNull();
        assertThat(names.topicNamed("mrm.decisions.v2")).isNull();
        assertThat(names.topicNamed(null)).isNull();
    }

    @Test
    void anEmptyPrefixIsAllowed() {
        TopicNames names = new TopicNames("");

        assertThat(names.of(Topics.TOPOLOGY)).isEqualTo("topology");
        assertThat(names.topicNamed("topology")).isSameAs(Topics.TOPOLOGY);
    }

    @Test
    void aPrefixMayHave100CharactersButNotMore() {
        assertThat(new TopicNames("p".repeat(100)).prefix()).hasSize(100);
        assertThatIllegalArgumentException().isThrownBy(() -> new TopicNames("p".repeat(101)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"mrm/", "mrm ", "mrm:", "mrm#", "prod,mrm."})
    void invalidPrefixesAreRefusedWithTheRule(String prefix) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TopicNames(prefix))
                .withMessage("topic prefix '" + prefix + "' is not valid: at most 100 characters of [A-Za-z0-9._-]");
    }
}
