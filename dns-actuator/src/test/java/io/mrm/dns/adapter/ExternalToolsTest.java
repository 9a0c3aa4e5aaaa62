package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ExternalToolsTest {

    @Test
    void aMissingToolFailsWhenToolsAreRequiredNamingTheToolAndItsPackage() {
        assertThatThrownBy(() -> ExternalTools.requireOrSkip(ExternalTools.NAMED, Optional.empty(), true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'named' is not installed")
                .hasMessageContaining("apt-get install bind9")
                .hasMessageContaining("MRM_REQUIRE_TOOLS=1");
    }

    @Test
    void aMissingToolSkipsWithTheReasonOtherwise() {
        assertThatThrownBy(() -> ExternalTools.requireOrSkip(ExternalTools.DIG, Optional.empty(), false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("'dig' is not installed")
                .hasMessageContaining("apt-get install bind9-dnsutils");
    }

    @Test
    void aToolThatIsThereIsReturnedEitherWay() {
        assertThat(ExternalTools.requireOrSkip(ExternalTools.DIG, Optional.of("/usr/bin/dig"), true))
                .isEqualTo("/usr/bin/dig");
        assertThat(ExternalTools.requireOrSkip(ExternalTools.DIG, Optional.of("/usr/bin/dig"), false))
                .isEqualTo("/usr/bin/dig");
    }

    @Test
    void onlyTheValueOneRequiresTools() {
        assertThat(ExternalTools.required(Map.of("MRM_REQUIRE_TOOLS", "1"))).isTrue();
        assertThat(ExternalTools.required(Map.of("MRM_REQUIRE_TOOLS", "0"))).isFalse();
        assertThat(ExternalTools.required(Map.of())).isFalse();
    }
}
