package io.mrm.kafka.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** What the start-up failure report says about unknown settings. */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class UnknownSettingsFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownSettingsException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Correct or remove each key. Every key under mrm. must be a setting of this service; the settings "
                        + "are listed in docs/configuration.md and in the service's own <service>.yml.",
                cause);
    }
}
