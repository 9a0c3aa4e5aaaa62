package io.mrm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A rendered overlay, every resource parsed into its typed model (unknown fields and kinds refused). */
record Manifests(String overlay, List<HasMetadata> resources) {

    /** apiVersion + kind → the model class; anything not here is refused. */
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class));

    /**
     * The Prometheus operator's kinds (k8s/overlays/monitoring), which have no typed model here: kept generic, and
     * MonitoringTest checks their fields itself.
     */
    static final java.util.Set<String> MONITORING_KINDS =
            java.util.Set.of("monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule");

    static final List<String> OVERLAYS = List.of("region-a", "region-b", "control");

    /**
     * Renders an overlay from a copy of k8s/ in which every {@code secrets/*.example} is also in
     * place under its real name, as an operator would make it (the real files are not committed).
     */
    static Manifests render(String overlay, Path workDir) {
        return parse(
                overlay,
                KustomizeRenderer.render(copy(workDir).resolve("overlays").resolve(overlay)));
    }

    /** The copy of k8s/ in {@code workDir} that {@link #render} renders, made on first use. */
    static Path copy(Path workDir) {
        Path copy = workDir.resolve("k8s");
        if (!Files.isDirectory(copy)) {
            copyTree(Repo.ROOT.resolve("k8s"), copy);
        }
        return copy;
    }

    static Manifests parse(String overlay, List<ObjectNode> rendered) {
        List<HasMetadata> typed = new ArrayList<>();
        for (ObjectNode node : rendered) {
            typed.add(typed(node, overlay));
        }
        return new Manifests(overlay, typed);
    }

    static HasMetadata typed(JsonNode node, String where) {
        String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        Class<? extends HasMetadata> type = TYPES.get(key);
        String name = node.path("metadata").path("name").asText();
        if (MONITORING_KINDS.contains(key)) {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .convertValue(node, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        }
        if (type == null) {
            throw new IllegalArgumentException(where + ": " + key + " " + name + " is not a kind this check knows");
        }
        return StrictYaml.convert(node, type, where + ": " + key + " " + name);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream()
                .filter(r -> r.getMetadata().getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                    String file = target.getFileName().toString();
                    if (file.endsWith(".example")) {
                        Path real = target.resolveSibling(file.substring(0, file.length() - ".example".length()));
                        if (!Files.exists(real) && !Files.exists(source.resolveSibling(real.getFileName()))) {
                            Files.copy(source, real);
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
