package io.mrm.kafka;

import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Ready only while the actuator's command consumer runs. The binder's own health ("binders") stays UP for a
 * binding whose container failed to start, or that was never made because the broker could not be reached when it
 * bound (it is tried again every {@code spring.cloud.stream.binding-retry-interval}); and Spring Cloud Stream
 * reports a binding made on such a later try as not running. An actuator whose consumer does not run reads no
 * command, and must not be counted ready.
 */
final class CommandBindingHealthIndicator extends AbstractHealthIndicator {

    private final List<CommandInput<?>> inputs;

    CommandBindingHealthIndicator(List<CommandInput<?>> inputs) {
        this.inputs = inputs;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean allRunning = true;
        for (CommandInput<?> input : inputs) {
            boolean running = input.running();
            allRunning &= running;
            builder.withDetail(input.topicName(), running ? "running" : input.bound() ? "stopped" : "not bound yet");
        }
        if (allRunning) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
