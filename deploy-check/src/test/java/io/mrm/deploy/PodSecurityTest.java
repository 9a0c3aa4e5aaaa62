package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The namespace enforces Pod Security Admission's {@code restricted} profile, and every workload meets it
 * (checked field by field here, as the admission controller would: {@code kubectl} is not needed); the
 * root file system is read-only with the writable folders the services need; Secrets are mounted
 * read-only and owner-only.
 */
class PodSecurityTest {

    /** The volume types {@code restricted} allows. */
    private static final Set<String> RESTRICTED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

    private static final int OWNER_READ_ONLY = 0400;

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void theNamespaceEnforcesAuditsAndWarnsTheRestrictedProfile(String overlay) {
        Namespace ns = Manifests.render(overlay, work).named(Namespace.class, "mrm");
        assertThat(ns).as(overlay + ": namespace mrm").isNotNull();
        for (String mode : List.of("enforce", "audit", "warn")) {
            assertThat(ns.getMetadata().getLabels())
                    .as(overlay + ": namespace mrm, Pod Security " + mode)
                    .containsEntry("pod-security.kubernetes.io/" + mode, "restricted");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everyWorkloadMeetsTheRestrictedProfile(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        assertThat(KubernetesManifestsTest.workloads(m)).isNotEmpty();
        for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
            assertThat(restrictedViolations(w.template().getSpec()))
                    .as(overlay + " " + w.name())
                    .isEmpty();
        }
    }

    /** The check finds what the admission controller would refuse. */
    @Test
    void theCheckFindsAPodThatTheRestrictedProfileRefuses() {
        PodSpec shipped = Manifests.render("region-a", work)
                .named(Deployment.class, "health-monitor")
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(restrictedViolations(shipped)).isEmpty();
        Function<PodSpec, PodSpec> copy = spec -> StrictYaml.MAPPER.convertValue(spec, PodSpec.class);

        PodSpec root = copy.apply(shipped);
        root.getSecurityContext().setRunAsUser(0L);
        root.getSecurityContext().setRunAsNonRoot(null);
        assertThat(restrictedViolations(root))
                .anyMatch(v -> v.contains("runAsNonRoot"))
                .anyMatch(v -> v.contains("runAsUser 0"));

        PodSpec privileged = copy.apply(shipped);
        SecurityContext sc = privileged.getContainers().get(0).getSecurityContext();
        sc.setPrivileged(true);
        sc.setAllowPrivilegeEscalation(null);
        sc.setCapabilities(new Capabilities(List.of("NET_ADMIN"), List.of()));
        assertThat(restrictedViolations(privileged))
                .anyMatch(v -> v.contains("privileged"))
                .anyMatch(v -> v.contains("allowPrivilegeEscalation"))
                .anyMatch(v -> v.contains("drop ALL"))
                .anyMatch(v -> v.contains("NET_ADMIN"));

        PodSpec unconfined = copy.apply(shipped);
        unconfined
                .getContainers()
                .get(0)
                .getSecurityContext()
                .setSeccompProfile(new SeccompProfile(null, "Unconfined"));
        unconfined.setHostNetwork(true);
        Volume host = new Volume();
        host.setName("host");
        host.setHostPath(new io.fabric8.kubernetes.api.model.HostPathVolumeSource("/", null));
        unconfined.getVolumes().add(host);
        assertThat(restrictedViolations(unconfined))
                .anyMatch(v -> v.contains("seccomp"))
                .anyMatch(v -> v.contains("hostNetwork"))
                .anyMatch(v -> v.contains("hostPath"));
    }

    /** readOnlyRootFilesystem, with an emptyDir for /tmp (and the engine's state on its own volume). */
    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void theRootFileSystemIsReadOnlyAndTmpIsAnEmptyDir(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
            Map<String, Volume> volumes = volumesByName(w.template().getSpec());
            for (Container c : w.template().getSpec().getContainers()) {
                String where = overlay + " " + w.name() + "/" + c.getName();
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem())
                        .as(where + " readOnlyRootFilesystem")
                        .isTrue();
                assertThat(c.getVolumeMounts())
                        .as(where + ": /tmp is writable (an emptyDir)")
                        .anySatisfy(mount -> {
                            assertThat(mount.getMountPath()).isEqualTo("/tmp");
                            assertThat(volumes.get(mount.getName()).getEmptyDir())
                                    .isNotNull();
                        });
            }
        }
        if (overlay.equals("control")) {
            var engine = KubernetesManifestsTest.workloads(m).stream()
                    .filter(w -> w.name().equals("decision-engine"))
                    .findFirst()
                    .orElseThrow();
            Container c = engine.template().getSpec().getContainers().get(0);
            String stateDir = c.getEnv().stream()
                    .filter(e -> e.getName().equals("MRM_STATE_DIR"))
                    .findFirst()
                    .orElseThrow()
                    .getValue();
            assertThat(c.getVolumeMounts())
                    .as("the engine's state dir " + stateDir + " is a volume of its own")
                    .anyMatch(mount ->
                            mount.getMountPath().equals(stateDir) && !Boolean.TRUE.equals(mount.getReadOnly()));
        }
    }

    /** Secrets: mounted read-only, files 0400 (the kubelet adds group read for the pod's fsGroup). */
    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control"})
    void everySecretIsMountedReadOnlyAndOwnerOnly(String overlay) {
        Manifests m = Manifests.render(overlay, work);
        for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
            Map<String, Volume> volumes = volumesByName(w.template().getSpec());
            volumes.values().stream().filter(v -> v.getSecret() != null).forEach(v -> {
                String where = overlay + " " + w.name() + ": Secret volume " + v.getName();
                assertThat(v.getSecret().getDefaultMode())
                        .as(where + " defaultMode 0400")
                        .isEqualTo(OWNER_READ_ONLY);
                for (Container c : w.template().getSpec().getContainers()) {
                    for (VolumeMount mount : c.getVolumeMounts()) {
                        if (mount.getName().equals(v.getName())) {
                            assertThat(mount.getReadOnly())
                                    .as(where + " mounted read-only")
                                    .isTrue();
                        }
                    }
                }
            });
            assertThat(w.template().getSpec().getSecurityContext().getFsGroup())
                    .as(overlay + " " + w.name() + ": fsGroup is the service's group, so it can read its 0400 Secrets")
                    .isEqualTo(w.template().getSpec().getSecurityContext().getRunAsGroup());
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * What Pod Security Admission's {@code restricted} profile (which includes {@code baseline}) refuses in
     * a pod, one line per violation; see kubernetes.io/docs/concepts/security/pod-security-standards.
     */
    static List<String> restrictedViolations(PodSpec spec) {
        List<String> out = new ArrayList<>();
        PodSecurityContext pod =
                spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
        if (Boolean.TRUE.equals(spec.getHostNetwork())
                || Boolean.TRUE.equals(spec.getHostPID())
                || Boolean.TRUE.equals(spec.getHostIPC())) {
            out.add("hostNetwork, hostPID and hostIPC must be unset or false");
        }
        for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            String type = volumeType(v);
            if (!RESTRICTED_VOLUMES.contains(type)) {
                out.add("volume " + v.getName() + " is a " + type + " volume");
            }
        }
        if (pod.getRunAsUser() != null && pod.getRunAsUser() == 0) {
            out.add("pod: runAsUser 0");
        }
        if (pod.getSysctls() != null && !pod.getSysctls().isEmpty()) {
            out.add("pod: sysctls (MRM needs none)");
        }
        boolean podSeccomp = allowedSeccomp(pod.getSeccompProfile());
        if (pod.getSeccompProfile() != null && !podSeccomp) {
            out.add("pod: seccomp profile " + pod.getSeccompProfile().getType());
        }
        List<Container> containers = new ArrayList<>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            containers.addAll(spec.getInitContainers());
        }
        for (Container c : containers) {
            String name = "container " + c.getName() + ": ";
            SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                out.add(name + "privileged");
            }
            if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                out.add(name + "allowPrivilegeEscalation must be false");
            }
            boolean nonRoot =
                    sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : Boolean.TRUE.equals(pod.getRunAsNonRoot());
            if (!nonRoot) {
                out.add(name + "runAsNonRoot must be true (pod or container)");
            }
            if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                out.add(name + "runAsUser 0");
            }
            if (sc.getSeccompProfile() != null ? !allowedSeccomp(sc.getSeccompProfile()) : !podSeccomp) {
                out.add(name + "seccomp profile must be RuntimeDefault or Localhost (pod or container)");
            }
            Capabilities caps = sc.getCapabilities();
            if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
                out.add(name + "capabilities must drop ALL");
            }
            if (caps != null && caps.getAdd() != null) {
                caps.getAdd().stream()
                        .filter(cap -> !cap.equals("NET_BIND_SERVICE"))
                        .forEach(cap -> out.add(name + "adds capability " + cap));
            }
            if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
                out.add(name + "procMount " + sc.getProcMount());
            }
            if (sc.getSeLinuxOptions() != null
                    && (sc.getSeLinuxOptions().getUser() != null
                            || sc.getSeLinuxOptions().getRole() != null)) {
                out.add(name + "SELinux user or role");
            }
            if (c.getPorts() != null
                    && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
                out.add(name + "hostPort");
            }
        }
        return out;
    }

    private static boolean allowedSeccomp(SeccompProfile profile) {
        return profile != null && ("RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType()));
    }

    /** The volume's source, named as in the pod spec ({@code secret}, {@code hostPath}, ...). */
    private static String volumeType(Volume v) {
        var tree = StrictYaml.MAPPER.valueToTree(v);
        List<String> sources = new ArrayList<>();
        tree.fieldNames().forEachRemaining(field -> {
            if (!field.equals("name")) {
                sources.add(field);
            }
        });
        return sources.size() == 1 ? sources.get(0) : String.valueOf(sources);
    }

    private static Map<String, Volume> volumesByName(PodSpec spec) {
        Map<String, Volume> out = new java.util.HashMap<>();
        spec.getVolumes().forEach(v -> out.put(v.getName(), v));
        return out;
    }
}
