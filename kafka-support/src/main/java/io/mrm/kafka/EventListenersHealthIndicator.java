package io.mrm.kafka;

import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.listener.MessageListenerContainer;

/** Ready only while every event listener container runs and has partitions or is waiting for them. */
public class EventListenersHealthIndicator extends AbstractHealthIndicator {

    private final List<MessageListenerContainer> containers;

    public EventListenersHealthIndicator(List<MessageListenerContainer> containers) {
        this.containers = containers;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean allRunning = true;
        for (MessageListenerContainer container : containers) {
            boolean running = container.isRunning() && !container.isContainerPaused();
            allRunning &= running;
            builder.withDetail(
                    container.getListenerId() == null ? String.valueOf(container) : container.getListenerId(),
                    running ? "running" : "stopped");
        }
        if (allRunning) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
