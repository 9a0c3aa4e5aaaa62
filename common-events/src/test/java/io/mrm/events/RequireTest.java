package io.mrm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequireTest {

    @ParameterizedTest
    @ValueSource(strings = {"obs-1", "a", "9f2e5b1d-3a6c-4d0f-8e7b-2c5a9d1f6e43", "cmd.dns:route_7-4", "A"})
    void validIdsAreAccepted(String id) {
        assertThat(Require.id("id", id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-obs", ".obs", "obs 1", "obs/1", "obs#1", "ö"})
    void invalidIdsAreRefusedWithTheFieldAndTheRule(String id) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.id("decisionId", id))
                .withMessage("decisionId '" + id + "' is not valid: 1-128 characters of [A-Za-z0-9._:-]");
    }

    @Test
    void idsAreAtMost128Characters() {
        assertThat(Require.id("id", "a".repeat(128))).hasSize(128);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.id("id", "a".repeat(129)))
                .withMessage("id '" + "a".repeat(61) + "...' is not valid: 1-128 characters of [A-Za-z0-9._:-]");
    }

    @Test
    void aMissingIdIsRequired() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.id("id", null))
                .withMessage("id is required");
        assertThat(Require.optionalId("requestId", null)).isNull();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.optionalId("requestId", "a b"))
                .withMessageStartingWith("requestId 'a b' is not valid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "eu10", "us10", "vantage-a", "a", "0"})
    void validNamesAreAccepted(String name) {
        assertThat(Require.name("region", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "EU10", "eu_10", "-eu10", "eu10-", "eu.10", "eu 10"})
    void invalidNamesAreRefused(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.name("region", name))
                .withMessage("region '" + name
                        + "' is not valid: lower-case letters, digits and '-', at most 63 characters");
    }

    @Test
    void namesAreAtMost63Characters() {
        assertThat(Require.name("region", "a".repeat(63))).hasSize(63);
        assertThatIllegalArgumentException().isThrownBy(() -> Require.name("region", "a".repeat(64)));
        assertThat(Require.optionalName("peerRegion", null)).isNull();
    }

    @Test
    void operatorsMayBeEmailLike() {
        assertThat(Require.operator("operator", "jane.doe+oncall@example.com"))
                .isEqualTo("jane.doe+oncall@example.com");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.operator("operator", "jane doe"))
                .withMessage("operator 'jane doe' is not valid: 1-128 characters of [A-Za-z0-9._@+-]");
        assertThatIllegalArgumentException().isThrownBy(() -> Require.operator("operator", "@jane"));
    }

    @Test
    void textMustBePresentNotBlankAndShort() {
        assertThat(Require.text("reason", "eu10 is down")).isEqualTo("eu10 is down");
        assertThat(Require.text("reason", "x".repeat(Require.MAX_TEXT))).hasSize(Require.MAX_TEXT);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.text("reason", null))
                .withMessage("reason is required");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.text("reason", " \t\n"))
                .withMessage("reason must not be blank");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.text("reason", "x".repeat(2049)))
                .withMessage("reason is longer than 2048 characters");
    }

    @Test
    void optionalTextMayBeAbsentOrBlankButNotLong() {
        assertThat(Require.optionalText("detail", null)).isNull();
        assertThat(Require.optionalText("detail", "")).isEmpty();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.optionalText("detail", "x".repeat(2049)))
                .withMessage("detail is longer than 2048 characters");
    }

    @Test
    void commonChecksNameTheFirstBadField() {
        Instant time = Instant.parse("2026-11-25T10:00:00Z");
        Require.common("obs-1", "orders", time, 1);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.common("obs-1", "Orders", time, 1))
                .withMessageStartingWith("applicationId 'Orders'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.common("obs-1", "orders", null, 1))
                .withMessage("time is required");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.common("obs-1", "orders", time, 0))
                .withMessage("schemaVersion is required and must be >= 1, was 0");
    }

    @Test
    void atLeastSaysTheBoundAndTheValue() {
        assertThat(Require.atLeast("epoch", 1L, 1L)).isEqualTo(1L);
        assertThat(Require.atLeast("attempt", 3, 1)).isEqualTo(3);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.atLeast("step.attempt", 0, 1))
                .withMessage("step.attempt must be >= 1, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.atLeast("offset", -1L, 0L))
                .withMessage("offset must be >= 0, was -1");
    }

    @Test
    void listsBecomeImmutableCopiesAndRefuseNullElements() {
        List<String> source = new ArrayList<>(List.of("HOLD_DOWN"));
        List<String> copy = Require.list("overrideRules", source);
        source.add("NOT_FROZEN");

        assertThat(copy).containsExactly("HOLD_DOWN");
        assertThatThrownBy(() -> copy.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Require.list("overrideRules", null)).isEmpty();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.list("overrideRules", Arrays.asList("HOLD_DOWN", null)))
                .withMessage("overrideRules[1] is required");
    }

    @Test
    void mapsBecomeImmutableCopiesAndRefuseNullValues() {
        Map<String, String> source = new HashMap<>(Map.of("target", "b.example.net"));
        Map<String, String> copy = Require.map("observed", source);
        source.clear();

        assertThat(copy).containsExactly(Map.entry("target", "b.example.net"));
        assertThat(Require.map("observed", null)).isEmpty();
        Map<String, String> withNull = new HashMap<>();
        withNull.put("target", null);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.map("observed", withNull))
                .withMessage("observed[target] is required");
    }

    @Test
    void differentRefusesTheSameRegionTwice() {
        Require.different("toRegion", "us10", "fromRegion", "eu10");
        Require.different("peerRegion", null, "region", "eu10");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Require.different("toRegion", "eu10", "fromRegion", "eu10"))
                .withMessage("toRegion must differ from fromRegion, both are 'eu10'");
    }

    @Test
    void theHandWrittenChecksAgreeWithThePatternsTheyReplace() {
        // Seeded, so a disagreement reproduces; the alphabet holds every class boundary of both patterns.
        java.util.Random random = new java.util.Random(20261125);
        String alphabet = "az09AZ-._:@+ /\u00e9";
        int[] lengths = {0, 1, 2, 3, 62, 63, 64, 127, 128, 129};
        int longValidNames = 0;
        for (int i = 0; i < 200_000; i++) {
            int validPercent = i % 2 == 0 ? 99 : 80;
            int length = i % 4 == 0 ? lengths[random.nextInt(lengths.length)] : random.nextInt(12);
            StringBuilder text = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                // mostly valid characters, so that long valid strings occur too
                text.append(
                        random.nextInt(100) < validPercent
                                ? "abz09-".charAt(random.nextInt(6))
                                : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = text.toString();
            assertThat(Require.isName(value))
                    .as("name '%s'", value)
                    .isEqualTo(Require.NAME.matcher(value).matches());
            assertThat(Require.isEventId(value))
                    .as("id '%s'", value)
                    .isEqualTo(Require.EVENT_ID.matcher(value).matches());
            longValidNames += value.length() >= 62 && Require.isName(value) ? 1 : 0;
        }
        assertThat(longValidNames).as("long valid names generated").isGreaterThan(100);
    }
}
