package io.mrm.kafka.observability;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;

/**
 * Readiness that knows Kafka: asks the cluster to describe itself every {@code checkInterval} on a thread
 * of its own, and answers health requests from what it saw, so the kubelet's probe never waits for a
 * broker. DOWN before the first answer and after {@code downAfter} without one ({@link KafkaConnectivityState}).
 */
public final class KafkaConnectivityHealthIndicator implements HealthIndicator, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnectivityHealthIndicator.class);

    private final Map<String, Object> adminConfig;
    private final KafkaConnectivityProperties props;
    private final LongSupplier nanoTime;
    private final KafkaConnectivityState state;

    private ScheduledExecutorService checker;
    // made and replaced on the checker thread; stop() closes it once that thread has ended
    private volatile Admin admin;
    private long adminCreatedNanos;
    private boolean reportedDown;
    private volatile boolean running;

    public KafkaConnectivityHealthIndicator(Map<String, Object> adminConfig, KafkaConnectivityProperties props) {
        this(adminConfig, props, System::nanoTime);
    }

    KafkaConnectivityHealthIndicator(
            Map<String, Object> adminConfig, KafkaConnectivityProperties props, LongSupplier nanoTime) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        int timeoutMs = (int) props.timeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        this.adminConfig = Map.copyOf(config);
        this.props = props;
        this.nanoTime = nanoTime;
        this.state = new KafkaConnectivityState(props.downAfter(), nanoTime.getAsLong());
    }

    @Override
    public Health health() {
        if (!running) {
            return Health.down().withDetail("lastAnswer", "not started").build();
        }
        KafkaConnectivityState.Verdict verdict = state.verdict(nanoTime.getAsLong());
        return (verdict.up() ? Health.up() : Health.down())
                .withDetails(verdict.details())
                .build();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-connectivity");
            thread.setDaemon(true);
            return thread;
        });
        running = true;
        checker.scheduleWithFixedDelay(this::check, 0, props.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        checker.shutdownNow();
        try {
            checker.awaitTermination(props.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAdmin();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** One check, on the checker thread only. */
    void check() {
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig);
                adminCreatedNanos = nanoTime.getAsLong();
            }
            DescribeClusterResult cluster = admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) props.timeout().toMillis()));
            long waitMs = props.timeout().toMillis() + 1000;
            Collection<Node> nodes = cluster.nodes().get(waitMs, TimeUnit.MILLISECONDS);
            String clusterId = cluster.clusterId().get(waitMs, TimeUnit.MILLISECONDS);
            state.answered(nanoTime.getAsLong(), clusterId, nodes.size());
            if (reportedDown) {
                log.info("Kafka answers again (cluster {}, {} brokers): ready", clusterId, nodes.size());
                reportedDown = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            onFailure(cause);
        }
    }

    private void onFailure(Throwable cause) {
        long now = nanoTime.getAsLong();
        state.failed(now, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        if (!state.up(now) && !reportedDown) {
            reportedDown = true;
            log.warn(
                    "Kafka has not answered for {} s (mrm.kafka.connectivity.down-after {}): not ready; last error: {}",
                    state.unansweredFor(now).toSeconds(),
                    props.downAfter(),
                    cause.toString());
        }
        // The admin client runs without re-bootstrapping (which floods the log), so a cluster that came back on
        // other addresses is found only by a new client: while readiness is DOWN, one every down-after (a few
        // lines each), not every few minutes, which kept a service not ready that long after Kafka was back.
        if (state.unansweredFor(now).compareTo(props.downAfter()) >= 0
                && now - adminCreatedNanos >= props.downAfter().toNanos()) {
            closeAdmin();
        }
    }

    private void closeAdmin() {
        Admin current = admin;
        admin = null;
        if (current != null) {
            try {
                current.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                log.debug("closing the connectivity check's admin client failed", e);
            }
        }
    }
}
