package io.mrm.kafka;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the actuators' command inputs ({@link CommandInputs#commandInput}) hand partitions
 * over (prefix {@code mrm.kafka.commands}).
 *
 * @param maxRevocationWait the longest an instance losing partitions (another instance joined, or it
 *                          stops) waits for the commands it runs for them to end before their new
 *                          owner may start them. Each command is waited for until its deadline plus
 *                          {@code mrm.kafka.send-timeout} (its acknowledgement), then interrupted; this
 *                          bounds the whole wait. Below the consumer's {@code max.poll.interval.ms}
 *                          (Kafka's default 5m; checked at start-up): a member that takes longer to
 *                          come back to the group is evicted, and its partitions move regardless
 */
@Validated
@ConfigurationProperties("mrm.kafka.commands")
public record CommandListenerProperties(
        @NotNull @DefaultValue("2m") Duration maxRevocationWait) {

    public CommandListenerProperties {
        if (maxRevocationWait != null && maxRevocationWait.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("mrm.kafka.commands.max-revocation-wait must be at least 1s, was "
                    + maxRevocationWait.toMillis() + "ms");
        }
    }
}
