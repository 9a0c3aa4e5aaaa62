package io.mrm.kafka.observability;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The readiness check that the service can reach Kafka (prefix {@code mrm.kafka.connectivity}): the health
 * contributor {@code kafkaConnectivity} in every service's readiness group.
 *
 * @param checkInterval pause between two checks (an admin client's describe-cluster call); run in the
 *                      background, so a health request never waits for the broker
 * @param timeout       how long one check waits for the cluster's answer
 * @param downAfter     how long without an answer before readiness goes DOWN: one slow or lost call never
 *                      does (so at least twice check-interval plus timeout); at start-up the check is DOWN
 *                      until the first answer
 */
@Validated
@ConfigurationProperties("mrm.kafka.connectivity")
public record KafkaConnectivityProperties(
        @NotNull @DefaultValue("5s") Duration checkInterval,
        @NotNull @DefaultValue("3s") Duration timeout,
        @NotNull @DefaultValue("20s") Duration downAfter) {

    public KafkaConnectivityProperties {
        positive("mrm.kafka.connectivity.check-interval", checkInterval);
        positive("mrm.kafka.connectivity.timeout", timeout);
        positive("mrm.kafka.connectivity.down-after", downAfter);
        // a lost check costs its interval and its timeout, and the next answer can take as long again
        if (downAfter != null
                && checkInterval != null
                && timeout != null
                && downAfter.compareTo(checkInterval.plus(timeout).multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("mrm.kafka.connectivity.down-after (" + downAfter
                    + ") must be at least twice check-interval (" + checkInterval + ") plus timeout (" + timeout
                    + "): else one slow or lost check makes the service not ready");
        }
    }

    private static void positive(String key, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }
}
