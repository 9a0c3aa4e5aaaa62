package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.mrm.events.TopicNames;
import io.mrm.kafka.MrmKafkaProperties;
import io.mrm.kafka.MrmTopics;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Renders each overlay of k8s/ offline, parses it into typed models and checks the deployment's invariants. */
class KubernetesManifestsTest {

    /** A key or variable name that looks like it holds a credential. */
    static final Pattern CREDENTIAL = Pattern.compile(
            "(?i).*(password|passwd|secret|token|credential|jaas|api[-_]?key|access[-_]?key|private[-_]?key).*"
                    + "|(?i)(.*[-_.])?key");

    @TempDir
    Path work;

    /** A Deployment or StatefulSet: its name, replicas and pod template. */
    record Workload(String name, int replicas, PodTemplateSpec template) {}

    static List<Workload> workloads(Manifests m) {
        List<Workload> out = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            out.add(new Workload(
                    d.getMetadata().getName(),
                    d.getSpec().getReplicas(),
                    d.getSpec().getTemplate()));
        }
        for (StatefulSet s : m.all(StatefulSet.class)) {
            out.add(new Workload(
                    s.getMetadata().getName(),
                    s.getSpec().getReplicas(),
                    s.getSpec().getTemplate()));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everyContainerHasActuatorProbesAndResources(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        assertThat(workloads(m)).isNotEmpty();
        for (Workload w : workloads(m)) {
            for (Container c : w.template().getSpec().getContainers()) {
                String where = overlay + " " + w.name() + "/" + c.getName();
                assertProbe(where + " readiness", c, c.getReadinessProbe(), "/actuator/health/readiness");
                assertProbe(where + " liveness", c, c.getLivenessProbe(), "/actuator/health/liveness");
                assertProbe(where + " startup", c, c.getStartupProbe(), "/actuator/health/liveness");
                assertThat(c.getResources()).as(where + " resources").isNotNull();
                assertThat(c.getResources().getRequests())
                        .as(where + " requests")
                        .containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(where + " limits").containsKey("memory");
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation())
                        .as(where)
                        .isFalse();
                assertThat(w.template().getMetadata().getAnnotations())
                        .as(where + ": scraped on actuator's port")
                        .containsEntry("prometheus.io/port", String.valueOf(Repo.defaultManagementPort(c.getName())))
                        .containsEntry("prometheus.io/path", "/actuator/prometheus");
            }
            assertThat(w.template().getSpec().getSecurityContext().getRunAsNonRoot())
                    .as(overlay + " " + w.name() + " runAsNonRoot")
                    .isTrue();
        }
    }

    private static void assertProbe(String where, Container c, Probe probe, String path) {
        assertThat(probe).as(where).isNotNull();
        assertThat(probe.getHttpGet()).as(where + " httpGet").isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(where + " path").isEqualTo(path);
        String port = probe.getHttpGet().getPort().getStrVal();
        int expected = Repo.defaultManagementPort(c.getName());
        boolean portMatches = port != null
                ? c.getPorts().stream().anyMatch(p -> port.equals(p.getName()) && p.getContainerPort() == expected)
                : probe.getHttpGet().getPort().getIntVal() == expected;
        assertThat(portMatches)
                .as(where + ": probe port is the service's actuator (management) port " + expected)
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void aRollingUpdateNeverPutsTwoMonitorsOnOneVantagePoint(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (Deployment d : m.all(Deployment.class)) {
            if (d.getMetadata().getName().equals("health-monitor")) {
                assertThat(d.getSpec().getReplicas())
                        .as(overlay + ": one monitor per vantage point")
                        .isEqualTo(1);
                assertThat(d.getSpec().getStrategy().getType())
                        .as(overlay + ": an update must not overlap the old " + "and the new monitor (maxSurge would)")
                        .isEqualTo("Recreate");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void aDisruptionBudgetSelectsEveryWorkloadAndLetsADrainProceed(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        List<PodDisruptionBudget> budgets = m.all(PodDisruptionBudget.class);
        for (Workload w : workloads(m)) {
            Map<String, String> podLabels = w.template().getMetadata().getLabels();
            List<PodDisruptionBudget> selecting = budgets.stream()
                    .filter(pdb -> podLabels
                            .entrySet()
                            .containsAll(
                                    pdb.getSpec().getSelector().getMatchLabels().entrySet()))
                    .toList();
            assertThat(selecting)
                    .as(overlay + ": PodDisruptionBudgets selecting " + w.name())
                    .hasSize(1);
            var spec = selecting.get(0).getSpec();
            if (spec.getMinAvailable() != null) {
                assertThat(spec.getMinAvailable().getIntVal())
                        .as(overlay + " " + w.name() + ": minAvailable below replicas, or no pod could ever be evicted")
                        .isLessThan(w.replicas());
            } else {
                assertThat(spec.getMaxUnavailable().getIntVal())
                        .as(overlay + " " + w.name())
                        .isPositive();
            }
        }
        for (PodDisruptionBudget pdb : budgets) {
            assertThat(workloads(m))
                    .as(overlay + ": PodDisruptionBudget " + pdb.getMetadata().getName() + " selects a workload")
                    .anyMatch(w -> w.template()
                            .getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(
                                    pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void noConfigMapOrPlainEnvironmentVariableHoldsACredential(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (ConfigMap cm : m.all(ConfigMap.class)) {
            cm.getData().forEach((key, value) -> {
                String where = overlay + ": ConfigMap " + cm.getMetadata().getName() + " key " + key;
                assertThat(CREDENTIAL.matcher(key).matches())
                        .as(where + " looks like a credential")
                        .isFalse();
                if (key.endsWith(".yml") || key.endsWith(".yaml")) {
                    assertNoLiteralCredential(
                            where, StrictYaml.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(value)), "");
                }
            });
        }
        for (Workload w : workloads(m)) {
            for (Container c : w.template().getSpec().getContainers()) {
                for (EnvVar env : nullToEmpty(c.getEnv())) {
                    if (CREDENTIAL.matcher(env.getName()).matches()) {
                        assertThat(env.getValue())
                                .as(overlay + " " + w.name() + ": " + env.getName()
                                        + " must come from a Secret, not a literal")
                                .isNull();
                    }
                }
            }
        }
    }

    /** A credential-like key in a mounted configuration file must point at a secret ({env: ..} or {file: ..}). */
    private static void assertNoLiteralCredential(String where, JsonNode node, String path) {
        node.fields().forEachRemaining(field -> {
            String key = path + "." + field.getKey();
            JsonNode value = field.getValue();
            if (CREDENTIAL.matcher(field.getKey()).matches()) {
                assertThat(value.isObject() && (value.has("env") || value.has("file")))
                        .as(where + ": " + key + " holds a value; give {env: VAR} or {file: /path} instead")
                        .isTrue();
            } else if (value.isObject()) {
                assertNoLiteralCredential(where, value, key);
            } else if (value.isArray()) {
                for (JsonNode item : value) {
                    if (item.isObject()) {
                        assertNoLiteralCredential(where, item, key + "[]");
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everyReferencedSecretAndConfigMapExists(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (Workload w : workloads(m)) {
            String where = overlay + " " + w.name();
            for (Volume v : w.template().getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                    assertThat(m.named(Secret.class, v.getSecret().getSecretName()))
                            .as(where + " volume " + v.getName() + ": Secret "
                                    + v.getSecret().getSecretName())
                            .isNotNull();
                }
                if (v.getConfigMap() != null) {
                    assertThat(m.named(ConfigMap.class, v.getConfigMap().getName()))
                            .as(where + " volume " + v.getName() + ": ConfigMap "
                                    + v.getConfigMap().getName())
                            .isNotNull();
                }
            }
            for (Container c : w.template().getSpec().getContainers()) {
                for (EnvFromSource from : nullToEmpty(c.getEnvFrom())) {
                    if (from.getSecretRef() != null) {
                        assertThat(m.named(Secret.class, from.getSecretRef().getName()))
                                .as(where + " envFrom Secret "
                                        + from.getSecretRef().getName())
                                .isNotNull();
                    }
                    if (from.getConfigMapRef() != null) {
                        assertThat(m.named(
                                        ConfigMap.class, from.getConfigMapRef().getName()))
                                .as(where + " envFrom ConfigMap "
                                        + from.getConfigMapRef().getName())
                                .isNotNull();
                    }
                }
                for (EnvVar env : nullToEmpty(c.getEnv())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        Secret secret = m.named(Secret.class, ref.getName());
                        if (secret == null && m.named(KafkaUser.class, ref.getName()) != null) {
                            // Strimzi's User Operator makes a SCRAM user's Secret under the user's name
                            assertThat(m.named(KafkaUser.class, ref.getName())
                                            .getSpec()
                                            .getAuthentication())
                                    .as(where + ": KafkaUser " + ref.getName())
                                    .isInstanceOf(
                                            io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication
                                                    .class);
                            assertThat(ref.getKey())
                                    .as(where + " " + env.getName() + ": a key of Strimzi's SCRAM user " + "Secret")
                                    .isIn("password", "sasl.jaas.config");
                            continue;
                        }
                        assertThat(secret)
                                .as(where + " " + env.getName() + ": Secret " + ref.getName())
                                .isNotNull();
                        assertThat(secret.getData())
                                .as(where + " " + env.getName())
                                .containsKey(ref.getKey());
                    }
                }
            }
        }
        for (HasMetadata r : m.resources()) {
            if (!r.getKind().equals("Namespace")) {
                assertThat(r.getMetadata().getNamespace())
                        .as(overlay + " " + r.getKind() + " " + r.getMetadata().getName())
                        .isEqualTo("mrm");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everyEnvironmentVariableIsOneTheServiceReads(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (Workload w : workloads(m)) {
            String mounted = w.template().getSpec().getVolumes().stream()
                    .filter(v -> v.getConfigMap() != null)
                    .map(v -> m.named(ConfigMap.class, v.getConfigMap().getName()))
                    .flatMap(cm -> cm.getData().values().stream())
                    .collect(Collectors.joining("\n"));
            for (Container c : w.template().getSpec().getContainers()) {
                Set<String> placeholders = Repo.environmentRead(c.getName(), mounted);
                Set<String> names = new TreeSet<>();
                nullToEmpty(c.getEnv()).forEach(e -> names.add(e.getName()));
                for (EnvFromSource from : nullToEmpty(c.getEnvFrom())) {
                    if (from.getConfigMapRef() != null) {
                        names.addAll(
                                m.named(ConfigMap.class, from.getConfigMapRef().getName())
                                        .getData()
                                        .keySet());
                    } else {
                        names.addAll(m.named(Secret.class, from.getSecretRef().getName())
                                .getData()
                                .keySet());
                    }
                }
                assertThat(names)
                        .as(overlay + " " + w.name() + ": variables the service does not read")
                        .allMatch(name -> Repo.reads(c.getName(), name, placeholders));
            }
        }
    }

    @Test
    void theActuatorsReadTheirBackendFromAConfigMapAndItsCredentialsFromASecret() {
        Manifests control = Manifests.render("control", work);
        Map<String, String> credentials = Map.of(
                "dns-actuator",
                "mrm-dns-tsig",
                "hana-sync",
                "mrm-hana-sync-db",
                "aem-sync",
                "mrm-aem-sync-semp",
                "hook-actuator",
                "mrm-hook-actuator-secrets");
        credentials.forEach((name, secretName) -> {
            Workload w = workloads(control).stream()
                    .filter(x -> x.name().equals(name))
                    .findFirst()
                    .orElseThrow();
            Container c = w.template().getSpec().getContainers().get(0);
            Map<String, Volume> volumes = new HashMap<>();
            w.template().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
            var config = c.getVolumeMounts().stream()
                    .filter(vm -> vm.getMountPath().equals("/etc/mrm"))
                    .findFirst();
            assertThat(config).as(name + " mounts /etc/mrm").isPresent();
            assertThat(volumes.get(config.get().getName()).getConfigMap())
                    .as(name + ": /etc/mrm from a ConfigMap")
                    .isNotNull();
            String yml = control.named(
                            ConfigMap.class,
                            volumes.get(config.get().getName()).getConfigMap().getName())
                    .getData()
                    .get("application.yml");
            assertThat(yml).as(name + ": its ConfigMap has application.yml").isNotBlank();

            var credentialMount = c.getVolumeMounts().stream()
                    .filter(vm -> volumes.get(vm.getName()).getSecret() != null
                            && volumes.get(vm.getName())
                                    .getSecret()
                                    .getSecretName()
                                    .equals(secretName))
                    .findFirst();
            assertThat(credentialMount)
                    .as(name + " mounts the Secret " + secretName)
                    .isPresent();
            assertThat(credentialMount.get().getReadOnly())
                    .as(name + ": " + secretName + " read-only")
                    .isTrue();
            Secret secret = control.named(Secret.class, secretName);
            assertThat(secret.getData()).as(secretName).isNotEmpty();
            for (String key : secret.getData().keySet()) {
                assertThat(yml)
                        .as(name + " reads " + secretName + "/" + key + " as a file")
                        .contains("file: " + credentialMount.get().getMountPath() + "/" + key);
            }
        });
    }

    @Test
    void kafkaTopicsAreTheRegistrysWithThreeReplicasAndTwoInSync() {
        Manifests control = Manifests.render("control", work);
        MrmKafkaProperties production = MrmKafkaProperties.defaults(TopicNames.DEFAULT_PREFIX, 6);
        Map<String, NewTopic> expected = new TreeMap<>();
        for (NewTopic t : MrmTopics.newTopics(TopicNames.defaults(), production)) {
            expected.put(t.name(), t);
        }
        Map<String, KafkaTopic> actual = new TreeMap<>();
        for (KafkaTopic t : control.all(KafkaTopic.class)) {
            assertThat(actual.put(t.getSpec().getTopicName(), t))
                    .as("topic declared twice")
                    .isNull();
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, topic) -> {
            KafkaTopic k = actual.get(name);
            assertThat(k.getSpec().getReplicas()).as(name + " replicas").isEqualTo(3);
            assertThat(k.getSpec().getPartitions()).as(name + " partitions").isEqualTo(topic.numPartitions());
            Map<String, String> config = new HashMap<>();
            k.getSpec().getConfig().forEach((key, value) -> config.put(key, String.valueOf(value)));
            assertThat(config).as(name + " config").isEqualTo(topic.configs());
            assertThat(config.get("min.insync.replicas")).as(name).isEqualTo("2");
            assertThat(k.getMetadata().getLabels()).as(name).containsKey("strimzi.io/cluster");
        });
        assertThat(actual.get("mrm.topology").getSpec().getConfig().get("cleanup.policy"))
                .isEqualTo("compact");
        for (String region : List.of("region-a", "region-b")) {
            assertThat(Manifests.render(region, work).all(KafkaTopic.class))
                    .as(region + " declares no topics")
                    .isEmpty();
        }
    }

    @Test
    void monitorsRunInEverySiteAndTheEngineAndActuatorsInTheControlSite() {
        Map<String, String> vantages = new TreeMap<>();
        for (String overlay : Manifests.OVERLAYS) {
            Manifests m = Manifests.render(overlay, work);
            Set<String> names =
                    workloads(m).stream().map(Workload::name).collect(Collectors.toCollection(TreeSet::new));
            assertThat(names)
                    .as(overlay)
                    .isEqualTo(overlay.equals("control") ? Repo.serviceModules() : Set.of("health-monitor"));
            Map<String, String> env =
                    m.named(ConfigMap.class, "mrm-health-monitor").getData();
            assertThat(env.get("MRM_VANTAGE_REGION")).as(overlay).isEqualTo(overlay);
            vantages.put(overlay, env.get("MRM_VANTAGE"));
        }
        assertThat(new TreeSet<>(vantages.values()))
                .as("vantage ids per site " + vantages)
                .hasSize(3);
        assertThat(workloads(Manifests.render("control", work)))
                .filteredOn(w -> w.name().equals("decision-engine"))
                .singleElement()
                .satisfies(w -> assertThat(w.replicas()).isGreaterThanOrEqualTo(2));
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
