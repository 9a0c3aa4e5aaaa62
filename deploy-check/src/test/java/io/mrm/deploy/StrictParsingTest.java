package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parsing under the checks refuses what kubectl would refuse, or would silently drop. */
class StrictParsingTest {

    @TempDir
    Path dir;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: x}
            spec:
              selector: {matchLabels: {app: x}}
              template:
                metadata: {labels: {app: x}}
                spec:
                  containers:
                    - name: x
                      image: x
                      readinessProbe: {httpGet: {path: /actuator/health/readiness, port: http}}
            """;

    private JsonNode yaml(String text) throws IOException {
        return StrictYaml.MAPPER.readTree(text);
    }

    @Test
    void aValidDeploymentParsesIntoItsModel() throws IOException {
        var d = (Deployment) Manifests.typed(yaml(DEPLOYMENT), "test");
        assertThat(d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getReadinessProbe()
                        .getHttpGet()
                        .getPath())
                .isEqualTo("/actuator/health/readiness");
    }

    @Test
    void aMisspeltFieldDeepInADeploymentIsRefusedWithItsName() throws IOException {
        JsonNode node = yaml(DEPLOYMENT.replace("readinessProbe", "readynessProbe"));
        assertThatThrownBy(() -> Manifests.typed(node, "test"))
                .hasMessageContaining("readynessProbe")
                .hasMessageContaining("containers");
    }

    @Test
    void aFieldOfTheWrongTypeIsRefused() throws IOException {
        JsonNode node = yaml(DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: many\n  selector"));
        assertThatThrownBy(() -> Manifests.typed(node, "test")).hasMessageContaining("replicas");
    }

    @Test
    void aMisspeltKafkaTopicFieldIsRefused() throws IOException {
        String topic = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {topicName: t, partitions: 6, replica: 3}
                """;
        assertThatThrownBy(() -> Manifests.typed(yaml(topic), "test")).hasMessageContaining("replica");
        var valid = (KafkaTopic) Manifests.typed(yaml(topic.replace("replica:", "replicas:")), "test");
        assertThat(valid.getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void anUnknownKindIsRefused() throws IOException {
        JsonNode node = yaml("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n");
        assertThatThrownBy(() -> Manifests.typed(node, "test")).hasMessageContaining("batch/v1/CronJob");
    }

    @Test
    void aKustomizationFeatureTheRendererLacksIsRefusedByName() throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namePrefix: site-
                """);
        assertThatThrownBy(() -> KustomizeRenderer.render(dir)).hasMessageContaining("namePrefix");
    }

    @Test
    void generatorsWithNameHashesAreRefused() throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                configMapGenerator:
                  - name: c
                    literals: [A=1]
                """);
        assertThatThrownBy(() -> KustomizeRenderer.render(dir)).hasMessageContaining("disableNameSuffixHash");
    }

    @Test
    void theRendererAppliesNamespaceLabelsAndGenerators() throws IOException {
        Files.writeString(dir.resolve("deployment.yaml"), DEPLOYMENT);
        Files.writeString(dir.resolve("app.env"), "# comment\nTOKEN=s3cret=x\n");
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: ns
                labels:
                  - pairs: {site: a}
                    includeTemplates: true
                resources: [deployment.yaml]
                generatorOptions: {disableNameSuffixHash: true}
                configMapGenerator:
                  - name: c
                    literals: [A=1]
                secretGenerator:
                  - name: s
                    envs: [app.env]
                """);
        Manifests m = Manifests.parse("test", KustomizeRenderer.render(dir));
        Deployment d = m.named(Deployment.class, "x");
        assertThat(d.getMetadata().getNamespace()).isEqualTo("ns");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("site", "a")
                .containsEntry("app", "x");
        assertThat(d.getSpec().getSelector().getMatchLabels()).doesNotContainKey("site");
        assertThat(m.named(io.fabric8.kubernetes.api.model.ConfigMap.class, "c").getData())
                .containsEntry("A", "1");
        assertThat(m.named(io.fabric8.kubernetes.api.model.Secret.class, "s").getData())
                .containsEntry("TOKEN", java.util.Base64.getEncoder().encodeToString("s3cret=x".getBytes()));
    }
}
