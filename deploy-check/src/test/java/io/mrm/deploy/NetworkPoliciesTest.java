package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The namespace denies all traffic by default, and each workload is let through only where it must go:
 * name lookups, Kafka, its backends (the ports its own configuration names), and in only to its actuator
 * port from the scraper and, for the health monitor, to the alert webhook from the alert senders.
 */
class NetworkPoliciesTest {

    private static final String INGRESS = "Ingress";
    private static final String EGRESS = "Egress";
    /** A URL's port, or its scheme's default. */
    private static final Pattern URL = Pattern.compile("^([a-z][a-z0-9+.:-]*)://\\[?[^/\\s:?\\]]+]?(?::(\\d+))?");

    private static final Map<String, Integer> DEFAULT_PORTS =
            Map.of("https", 443, "http", 80, "jdbc:postgresql", 5432, "tcps", 55443, "tcp", 55555);
    private static final Pattern HOST_PORT = Pattern.compile("^[A-Za-z0-9.-]+:(\\d+)$");

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void theNamespaceDeniesEverythingThatNoPolicyAllows(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        assertThat(m.all(NetworkPolicy.class))
                .as(overlay + ": a policy for every pod, both ways, that allows nothing")
                .anySatisfy(p -> {
                    assertThat(selectsEveryPod(p)).isTrue();
                    assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder(INGRESS, EGRESS);
                    assertThat(p.getSpec().getIngress()).isEmpty();
                    assertThat(p.getSpec().getEgress()).isEmpty();
                });
        for (NetworkPolicy p : m.all(NetworkPolicy.class)) {
            String where = overlay + ": NetworkPolicy " + p.getMetadata().getName();
            assertThat(p.getSpec().getPolicyTypes())
                    .as(where + " says which ways it applies")
                    .isNotEmpty();
            if (selectsEveryPod(p)) {
                assertThat(p.getSpec().getIngress())
                        .as(where + ": no way in for every pod")
                        .isEmpty();
            } else {
                assertThat(KubernetesManifestsTest.workloads(m))
                        .as(where + " selects a workload")
                        .anyMatch(w -> selects(p, w.template().getMetadata().getLabels()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everyWorkloadHasAPolicyOfItsOwnBothWays(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
            assertThat(m.all(NetworkPolicy.class))
                    .as(overlay + " " + w.name() + ": a NetworkPolicy selecting it by "
                            + "its labels, for ingress and egress")
                    .anySatisfy(p -> {
                        assertThat(selectsEveryPod(p)).isFalse();
                        assertThat(selects(p, w.template().getMetadata().getLabels()))
                                .isTrue();
                        assertThat(p.getSpec().getPolicyTypes()).contains(INGRESS, EGRESS);
                    });
        }
    }

    /** In: the actuator port from named sources, the health monitor's webhook too; nothing else, from nowhere else. */
    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void onlyTheActuatorPortAndTheWebhookAreReachableAndOnlyFromNamedSources(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
            String where = overlay + " " + w.name();
            Container c = w.template().getSpec().getContainers().get(0);
            Set<Integer> open = new TreeSet<>();
            for (NetworkPolicy p : applying(m, w, INGRESS)) {
                for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                    String rw = where + ": ingress rule of " + p.getMetadata().getName();
                    assertThat(rule.getFrom())
                            .as(rw + " names its sources (none: from anywhere)")
                            .isNotEmpty();
                    assertThat(rule.getFrom())
                            .as(rw + ": sources are selected pods or namespaces, not addresses")
                            .allMatch(peer -> peer.getIpBlock() == null);
                    assertThat(rule.getPorts())
                            .as(rw + " names its ports (none: every port)")
                            .isNotEmpty();
                    for (NetworkPolicyPort port : rule.getPorts()) {
                        open.add(containerPort(c, port.getPort(), rw));
                    }
                }
            }
            Set<Integer> expected = new TreeSet<>(Set.of(Repo.defaultManagementPort(c.getName())));
            if (w.name().equals("health-monitor")) {
                expected.add(Repo.defaultHttpPort(c.getName())); // the alert webhook
            }
            assertThat(open).as(where + ": ports open to other pods").isEqualTo(expected);
        }
    }

    /** Out: DNS, Kafka's port, and every backend port the workload's own configuration names. */
    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everyWorkloadMayReachDnsKafkaAndTheBackendsItsConfigurationNames(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        Set<Integer> kafkaPorts = new TreeSet<>();
        for (String server : m.named(ConfigMap.class, "mrm-kafka")
                .getData()
                .get("MRM_KAFKA_BOOTSTRAP_SERVERS")
                .split(",")) {
            kafkaPorts.add(Integer.parseInt(
                    server.substring(server.lastIndexOf(':') + 1).trim()));
        }
        for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
            String where = overlay + " " + w.name();
            List<NetworkPolicyEgressRule> rules = new ArrayList<>();
            applying(m, w, EGRESS).forEach(p -> rules.addAll(p.getSpec().getEgress()));
            for (NetworkPolicyEgressRule rule : rules) {
                assertThat(rule.getPorts())
                        .as(where + ": an egress rule names its ports (none: every port)")
                        .isNotEmpty();
            }
            for (String protocol : List.of("UDP", "TCP")) {
                assertThat(rules)
                        .as(where + ": name lookups (" + protocol + " 53) at the cluster's DNS")
                        .anyMatch(rule -> allows(rule, protocol, 53)
                                && rule.getTo().stream().anyMatch(NetworkPoliciesTest::isClusterDns));
            }
            for (int port : kafkaPorts) {
                assertThat(rules)
                        .as(where + ": Kafka (MRM_KAFKA_BOOTSTRAP_SERVERS) on TCP " + port)
                        .anyMatch(rule -> allows(rule, "TCP", port));
            }
            for (int port : backendPorts(m, w)) {
                assertThat(rules)
                        .as(where + ": a backend its configuration names, on TCP " + port)
                        .anyMatch(rule -> allows(rule, "TCP", port));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The policies that select the workload's pods and apply in that direction. */
    static List<NetworkPolicy> applying(Manifests m, KubernetesManifestsTest.Workload w, String direction) {
        return m.all(NetworkPolicy.class).stream()
                .filter(p -> selects(p, w.template().getMetadata().getLabels()))
                .filter(p -> p.getSpec().getPolicyTypes().contains(direction))
                .toList();
    }

    static boolean selectsEveryPod(NetworkPolicy p) {
        LabelSelector s = p.getSpec().getPodSelector();
        return s == null || (isEmpty(s.getMatchLabels()) && isEmpty(s.getMatchExpressions()));
    }

    static boolean selects(NetworkPolicy p, Map<String, String> podLabels) {
        LabelSelector s = p.getSpec().getPodSelector();
        if (s != null && !isEmpty(s.getMatchExpressions())) {
            throw new IllegalArgumentException(
                    "NetworkPolicy " + p.getMetadata().getName()
                            + ": matchExpressions are not implemented by this check; use matchLabels");
        }
        return s == null
                || isEmpty(s.getMatchLabels())
                || podLabels.entrySet().containsAll(s.getMatchLabels().entrySet());
    }

    private static boolean isClusterDns(NetworkPolicyPeer peer) {
        return peer.getNamespaceSelector() != null
                && peer.getPodSelector() != null
                && "kube-system"
                        .equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))
                && "kube-dns".equals(peer.getPodSelector().getMatchLabels().get("k8s-app"));
    }

    private static boolean allows(NetworkPolicyEgressRule rule, String protocol, int port) {
        return rule.getPorts().stream()
                .anyMatch(p -> protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol())
                        && p.getPort() != null
                        && p.getPort().getIntVal() != null
                        && (p.getEndPort() == null
                                ? p.getPort().getIntVal() == port
                                : p.getPort().getIntVal() <= port && port <= p.getEndPort()));
    }

    private static int containerPort(Container c, IntOrString port, String where) {
        assertThat(port).as(where + ": a port").isNotNull();
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(where + ": no container port named " + port.getStrVal()));
    }

    /**
     * The ports of the backends the workload's mounted configuration names: URLs ({@code https://host:943},
     * {@code jdbc:postgresql://host:5432/db}, a scheme's default port without one) and {@code server: host:port}.
     */
    static Set<Integer> backendPorts(Manifests m, KubernetesManifestsTest.Workload w) {
        Set<Integer> ports = new TreeSet<>();
        for (Volume v : w.template().getSpec().getVolumes()) {
            if (v.getConfigMap() == null) {
                continue;
            }
            String yml = m.named(ConfigMap.class, v.getConfigMap().getName())
                    .getData()
                    .get("application.yml");
            if (yml != null) {
                collectPorts(StrictYaml.MAPPER.valueToTree(new Yaml().load(yml)), null, ports);
            }
        }
        return ports;
    }

    private static void collectPorts(JsonNode node, String key, Set<Integer> ports) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> collectPorts(f.getValue(), f.getKey(), ports));
        } else if (node.isArray()) {
            node.forEach(item -> collectPorts(item, key, ports));
        } else if (node.isTextual()) {
            Matcher url = URL.matcher(node.asText());
            Matcher hostPort = HOST_PORT.matcher(node.asText());
            if (url.find()) {
                Integer port = url.group(2) != null ? Integer.valueOf(url.group(2)) : DEFAULT_PORTS.get(url.group(1));
                assertThat(port).as("the port of " + node.asText()).isNotNull();
                ports.add(port);
            } else if ("server".equals(key) && hostPort.matches()) {
                ports.add(Integer.parseInt(hostPort.group(1)));
            }
        }
    }

    private static boolean isEmpty(java.util.Collection<?> c) {
        return c == null || c.isEmpty();
    }

    private static boolean isEmpty(Map<?, ?> m) {
        return m == null || m.isEmpty();
    }
}
