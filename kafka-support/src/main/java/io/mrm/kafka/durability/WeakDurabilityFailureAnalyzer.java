package io.mrm.kafka.durability;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** What the start-up failure report says about weak durability (ahead of Spring's generic binding report). */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class WeakDurabilityFailureAnalyzer extends AbstractFailureAnalyzer<WeakDurabilityException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WeakDurabilityException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Use replication factor " + DurabilityRule.MIN_REPLICATION_FACTOR
                        + " and min.insync.replicas " + DurabilityRule.MIN_INSYNC_REPLICAS + " or more. "
                        + DurabilityRule.HOW_TO_ALLOW,
                cause);
    }
}
