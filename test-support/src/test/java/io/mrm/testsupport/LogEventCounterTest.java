package io.mrm.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogEventCounterTest {

    @Test
    void countsByLoggerAndFailsWhenTheBoundIsPassedOrNothingWasLogged() {
        try (LogEventCounter counter = new LogEventCounter()) {
            counter.attach();
            assertThatThrownBy(() -> counter.assertAtMostDuring(3, Duration.ofMillis(300)))
                    .as("a silent service did not notice anything")
                    .hasMessageContaining("no log event at all");

            for (int i = 0; i < 5; i++) {
                LoggerFactory.getLogger("flood").warn("again");
            }
            assertThat(counter.count()).isEqualTo(5);
            assertThat(counter.byLogger()).containsEntry("flood", 5);
            assertThatThrownBy(() -> counter.assertAtMostDuring(3, Duration.ofSeconds(30)))
                    .hasMessageContaining("more than 3");

            counter.reset();
            LoggerFactory.getLogger("quiet").warn("once");
            counter.assertAtMostDuring(3, Duration.ofMillis(300));
        }
    }
}
