package io.mrm.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kustomize build} does, for exactly the features k8s/ uses:
 * {@code resources} (files and folders with their own kustomization), {@code namespace},
 * {@code labels} (without selectors), {@code configMapGenerator} and {@code secretGenerator}
 * ({@code literals}, {@code files}, {@code envs}) with {@code generatorOptions.disableNameSuffixHash}.
 * A kustomization using anything else is refused by name, so the renderer never silently renders
 * less than kustomize would. {@code KustomizeCrossCheckTest} compares it with kustomize itself where
 * {@code kubectl} is installed.
 */
final class KustomizeRenderer {

    /** Kinds that have no namespace (the ones k8s/ could contain). */
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "PersistentVolume",
            "StorageClass",
            "PriorityClass");

    private static final Set<String> POD_TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet");

    /** The fields of kustomization.yaml this renderer implements; any other field fails parsing. */
    record Kustomization(
            String apiVersion,
            String kind,
            List<String> resources,
            String namespace,
            List<Labels> labels,
            GeneratorOptions generatorOptions,
            List<Generator> configMapGenerator,
            List<Generator> secretGenerator) {}

    record Labels(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {}

    record GeneratorOptions(Boolean disableNameSuffixHash) {}

    record Generator(
            String name,
            List<String> literals,
            List<String> files,
            List<String> envs,
            @JsonProperty("type") String type) {}

    private KustomizeRenderer() {}

    /** The rendered resources of the kustomization in {@code dir}, as JSON trees. */
    static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " has no kustomization.yaml");
        }
        List<JsonNode> docs = StrictYaml.documents(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + " must hold one document, has " + docs.size());
        }
        Kustomization k = StrictYaml.convert(docs.get(0), Kustomization.class, file.toString());
        if (!"Kustomization".equals(k.kind()) || !"kustomize.config.k8s.io/v1beta1".equals(k.apiVersion())) {
            throw new IllegalArgumentException(file + ": expected kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (String resource : nullToEmpty(k.resources())) {
            Path path = dir.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                out.addAll(render(path));
            } else {
                for (JsonNode doc : StrictYaml.documents(path)) {
                    if (!doc.isObject()) {
                        throw new IllegalArgumentException(path + ": a document is not a mapping");
                    }
                    out.add((ObjectNode) doc);
                }
            }
        }
        boolean anyGenerator = !nullToEmpty(k.configMapGenerator()).isEmpty()
                || !nullToEmpty(k.secretGenerator()).isEmpty();
        if (anyGenerator
                && (k.generatorOptions() == null
                        || !Boolean.TRUE.equals(k.generatorOptions().disableNameSuffixHash()))) {
            throw new IllegalArgumentException(file + ": generators need generatorOptions.disableNameSuffixHash: true"
                    + " (name hashes and the rewriting of references to them are not implemented)");
        }
        for (Generator g : nullToEmpty(k.configMapGenerator())) {
            if (g.type() != null) {
                throw new IllegalArgumentException(file + ": configMapGenerator " + g.name() + " has no field type");
            }
            out.add(generated("ConfigMap", dir, g, false));
        }
        for (Generator g : nullToEmpty(k.secretGenerator())) {
            out.add(generated("Secret", dir, g, true));
        }
        for (ObjectNode resource : out) {
            if (k.namespace() != null
                    && !CLUSTER_SCOPED.contains(resource.path("kind").asText())) {
                metadata(resource).put("namespace", k.namespace());
            }
            for (Labels labels : nullToEmpty(k.labels())) {
                if (Boolean.TRUE.equals(labels.includeSelectors())) {
                    throw new IllegalArgumentException(file + ": labels with includeSelectors are not implemented");
                }
                addLabels(resource, labels);
            }
        }
        return out;
    }

    private static void addLabels(ObjectNode resource, Labels labels) {
        labels.pairs().forEach((key, value) -> labelsOf(metadata(resource)).put(key, value));
        if (!Boolean.TRUE.equals(labels.includeTemplates())) {
            return;
        }
        String kind = resource.path("kind").asText();
        JsonNode spec = resource.path("spec");
        if (POD_TEMPLATE_KINDS.contains(kind)) {
            ObjectNode template = (ObjectNode) spec.path("template");
            labels.pairs().forEach((key, value) -> labelsOf(metadata(template)).put(key, value));
            for (JsonNode claim : spec.path("volumeClaimTemplates")) {
                labels.pairs()
                        .forEach((key, value) ->
                                labelsOf(metadata((ObjectNode) claim)).put(key, value));
            }
        } else if (spec.has("template") || spec.has("jobTemplate")) {
            throw new IllegalArgumentException("labels.includeTemplates on a " + kind + " is not implemented");
        }
    }

    private static ObjectNode generated(String kind, Path dir, Generator g, boolean base64) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String literal : nullToEmpty(g.literals())) {
            putPair(data, literal, g.name());
        }
        for (String env : nullToEmpty(g.envs())) {
            for (String line : read(dir.resolve(env)).split("\n")) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    putPair(data, trimmed, g.name());
                }
            }
        }
        for (String fileSpec : nullToEmpty(g.files())) {
            int eq = fileSpec.indexOf('=');
            Path path = dir.resolve(eq < 0 ? fileSpec : fileSpec.substring(eq + 1));
            String key = eq < 0 ? path.getFileName().toString() : fileSpec.substring(0, eq);
            put(data, key, read(path), g.name());
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("apiVersion", "v1");
        node.put("kind", kind);
        node.putObject("metadata").put("name", g.name());
        if (base64) {
            node.put("type", g.type() == null ? "Opaque" : g.type());
        }
        ObjectNode dataNode = node.putObject("data");
        data.forEach((key, value) -> dataNode.put(
                key, base64 ? Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) : value));
        return node;
    }

    private static void putPair(Map<String, String> data, String pair, String generator) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "generator " + generator + ": '" + pair.split("=")[0] + "...' is not KEY=VALUE");
        }
        put(data, pair.substring(0, eq), pair.substring(eq + 1), generator);
    }

    private static void put(Map<String, String> data, String key, String value, String generator) {
        if (data.put(key, value) != null) {
            throw new IllegalArgumentException("generator " + generator + " sets key " + key + " twice");
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + path + " (a secret file not yet made from its .example?)", e);
        }
    }

    private static ObjectNode metadata(ObjectNode resource) {
        return resource.has("metadata") ? (ObjectNode) resource.get("metadata") : resource.putObject("metadata");
    }

    private static ObjectNode labelsOf(ObjectNode metadata) {
        return metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
