package io.mrm.decision.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The id of the Kafka cluster the engine runs on, read once at start-up: it names the environment that
 * operator requests must be signed for, so a request signed against staging is refused in production. The
 * decision core gets it as a plain string (and records it with the policy, so a replay needs no cluster).
 */
final class KafkaClusterId {

    /** How long start-up waits for the brokers to say who they are; the engine cannot work without them. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private KafkaClusterId() {}

    /** Asks the brokers named in the admin client properties; fails start-up with a reason if they do not answer. */
    static String read(Map<String, Object> adminProperties, Duration timeout) {
        Map<String, Object> props = new HashMap<>(adminProperties);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "mrm-decision-engine-cluster-id");
        try (Admin admin = Admin.create(props)) {
            String id = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId()
                    .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            if (id == null || id.isBlank()) {
                throw new IllegalStateException(
                        "the Kafka cluster at " + props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                                + " has no cluster id; operator requests are signed for one");
            }
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the Kafka cluster id", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "could not read the Kafka cluster id from "
                            + props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout.toSeconds()
                            + " s (" + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                            + "); the engine binds signed operator requests to it and does not "
                            + "start without it",
                    cause);
        }
    }
}
