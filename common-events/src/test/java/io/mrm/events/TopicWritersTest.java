package io.mrm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each topic names its writers, and a service's codec encodes only for the topics it writes: every event type (from
 * its contract sample) against every service.
 */
class TopicWritersTest {

    static Stream<Arguments> everyEventTypeAndService() {
        return EventTypes.ALL.stream()
                .flatMap(type ->
                        Arrays.stream(MrmService.values()).map(service -> Arguments.of(type.ceType(), service)));
    }

    static MrmEvent sample(EventType<?> type) throws IOException {
        try (InputStream in = TopicWritersTest.class.getResourceAsStream("/samples/" + type.schemaFile())) {
            assertThat(in).as(type.schemaFile()).isNotNull();
            return EventJson.mapper().readValue(in, type.javaType());
        }
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("everyEventTypeAndService")
    void aServicesCodecEncodesOnlyForTheTopicsItWrites(String ceType, MrmService service) throws IOException {
        EventType<?> type = EventTypes.forCeType(ceType);
        MrmEvent event = sample(type);
        EventCodec codec = new EventCodec(TopicNames.defaults(), URI.create("/mrm/test")).writtenBy(service);

        if (type.topic().isWrittenBy(service)) {
            assertThat(codec.toRecord(event).topic())
                    .isEqualTo(TopicNames.defaults().of(type.topic()));
        } else {
            assertThatThrownBy(() -> codec.toRecord(event))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(service + " may not write " + ceType)
                    .hasMessageContaining("is written by " + type.topic().writers());
        }
    }

    @Test
    void theWritersAreThoseTheArchitectureNames() {
        assertThat(Topics.OBSERVATIONS.writers()).containsExactly(MrmService.HEALTH_MONITOR);
        assertThat(Topics.OPERATOR_REQUESTS.writers()).containsExactly(MrmService.MRMCTL);
        Stream.of(
                        Topics.DECISIONS,
                        Topics.TOPOLOGY,
                        Topics.DNS_COMMANDS,
                        Topics.DATA_COMMANDS,
                        Topics.EVENTS_COMMANDS,
                        Topics.HOOK_COMMANDS,
                        Topics.ENGINE_JOURNAL)
                .forEach(topic -> assertThat(topic.writers())
                        .as(topic.logicalName())
                        .containsExactly(MrmService.DECISION_ENGINE));
        assertThat(Topics.COMMAND_ACKS.writers())
                .containsExactlyInAnyOrder(
                        MrmService.DNS_ACTUATOR, MrmService.HANA_SYNC, MrmService.AEM_SYNC, MrmService.HOOK_ACTUATOR);
        assertThat(Topics.DEAD_LETTERS.writers()).doesNotContain(MrmService.HEALTH_MONITOR, MrmService.MRMCTL);
    }

    @Test
    void aCodecForNoParticularServiceEncodesForAnyTopic() throws IOException {
        EventCodec codec = new EventCodec(TopicNames.defaults(), URI.create("/mrm/test"));
        for (EventType<?> type : EventTypes.ALL) {
            MrmEvent event = sample(type);
            assertThatCode(() -> codec.toRecord(event)).as(type.ceType()).doesNotThrowAnyException();
        }
    }

    @Test
    void theServiceNamesAreTheServicesOwn() {
        assertThat(MrmService.forName("dns-actuator")).contains(MrmService.DNS_ACTUATOR);
        assertThat(MrmService.forName("lanes-test")).isEmpty();
    }
}
