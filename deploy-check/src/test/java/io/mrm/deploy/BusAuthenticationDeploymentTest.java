package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.mrm.decision.config.DecisionEngineProperties;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.health.config.HealthMonitorProperties;
import io.mrm.kafka.BusAuthProperties;
import io.mrm.kafka.BusAuthProperties.SigningKeySetting;
import io.mrm.kafka.BusAuthProperties.TrustedKeySetting;
import io.mrm.kafka.BusAuthProperties.VantageKeySetting;
import io.mrm.kafka.BusAuthentication;
import io.mrm.kafka.SecretSetting;
import io.mrm.testsupport.RequiredTools;
import io.mrm.testsupport.RequiredTools.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bus authentication as Kubernetes deploys it. Every service of every overlay, given real keys where the
 * overlays read them (made here, or by {@code k8s/make-bus-keys.sh}), binds its {@code mrm.bus-auth}
 * settings and builds its authenticator from the files its pod has — the Secrets and ConfigMaps its
 * volumes mount, written out under a folder of its own — as it would at start; and signers and readers
 * agree across the three sites: the environment, the key ids, each public key the pair of its private
 * key, each vantage secret the engine's. Each pod has only the secret files its configuration reads.
 */
class BusAuthenticationDeploymentTest {

    private static final Pattern BUS_KEY = Pattern.compile("bus-(.+)\\.(key|pub)");
    private static final Pattern VANTAGE_SECRET = Pattern.compile("vantage-(.+)\\.secret");

    @TempDir
    Path work;

    /** One container of a workload as it starts: its configuration, its files, its settings re-rooted at {@code root}. */
    record Pod(
            String overlay,
            String workload,
            ShippedConfigurationTest.Shipped shipped,
            Path root,
            BusAuthProperties busAuth) {

        String service() {
            return shipped.service();
        }

        @Override
        public String toString() {
            return overlay + " " + workload;
        }
    }

    @Test
    void everyServiceBuildsItsAuthenticatorFromTheFilesItsPodHas() {
        makeKeysAsAnOperatorWould(Manifests.copy(work));
        List<Pod> pods = pods(work);
        assertThat(pods).extracting(Pod::service).containsAll(Repo.serviceModules());
        assertEveryServiceStarts(pods);
    }

    @Test
    void signersAndReadersAgreeOnEnvironmentKeyIdsAndKeysAcrossTheSites() {
        makeKeysAsAnOperatorWould(Manifests.copy(work));
        assertSignersAndReadersAgree(pods(work));
    }

    /** Least privilege: no pod holds a secret file (a private key, another vantage's secret) it does not read. */
    @Test
    void everySecretFileAPodHasIsOneItsConfigurationReads() {
        for (ShippedConfigurationTest.Shipped s : ShippedConfigurationTest.kubernetes(work)) {
            for (String file : s.secretFiles()) {
                boolean read = s.text().contains(file)
                        || s.environment().values().stream().anyMatch(value -> value != null && value.contains(file));
                assertThat(read)
                        .as(s + " has " + file + " from a Secret, and nothing it reads names it")
                        .isTrue();
            }
        }
    }

    @Test
    void theComposeStackRunsWithBusAuthenticationOffAndKubernetesWithItRequired() {
        for (ShippedConfigurationTest.Shipped s : ShippedConfigurationTest.compose()) {
            assertThat(ShippedConfigurationTest.bind(s)
                            .get(BusAuthProperties.class)
                            .mode())
                    .as(s + " (profile local)")
                    .isEqualTo(BusAuthProperties.Mode.OFF);
        }
        for (ShippedConfigurationTest.Shipped s : ShippedConfigurationTest.kubernetes(work)) {
            assertThat(ShippedConfigurationTest.bind(s)
                            .get(BusAuthProperties.class)
                            .mode())
                    .as(s.where())
                    .isEqualTo(BusAuthProperties.Mode.REQUIRED);
        }
    }

    /** The script the README gives makes every key the overlays read, and the services accept them. */
    @Test
    void makeBusKeysMakesEveryKeyTheOverlaysReadAndKeepsThemOnASecondRun() throws Exception {
        RequiredTools.skipReason(
                        new Tool("openssl", "apt-get install openssl", "the Kubernetes key script"),
                        runs("openssl", "version"))
                .ifPresent(Assumptions::abort);
        Path k8s = Manifests.copy(work);
        List<Path> made = busKeyFiles(k8s);
        assertThat(made).as("the bus key files the overlays' examples name").isNotEmpty();
        for (Path file : made) {
            Files.delete(file); // the copy put each example in place; the operator starts without them
        }
        assertThat(script(k8s)).as("make-bus-keys.sh").isZero();
        for (Path file : made) {
            assertThat(file).as("make-bus-keys.sh made it").exists();
        }
        Map<Path, String> first = contents(made);
        assertThat(script(k8s)).as("make-bus-keys.sh, again").isZero();
        assertThat(contents(made)).as("a second run keeps every key").isEqualTo(first);

        List<Pod> pods = pods(work);
        assertEveryServiceStarts(pods);
        assertSignersAndReadersAgree(pods);

        Path key = made.stream()
                .filter(f -> f.getFileName().toString().endsWith(".key"))
                .findFirst()
                .orElseThrow();
        Files.copy(
                key.resolveSibling(key.getFileName() + ".example"),
                key,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(script(k8s))
                .as("make-bus-keys.sh with an example left in place of a key")
                .isNotZero();
    }

    // ---------------------------------------------------------------------------------------------

    static void assertEveryServiceStarts(List<Pod> pods) {
        for (Pod pod : pods) {
            assertThat(pod.busAuth().mode()).as(pod + ": mrm.bus-auth.mode").isEqualTo(BusAuthProperties.Mode.REQUIRED);
            assertThat(pod.busAuth().environment())
                    .as(pod + ": mrm.bus-auth.environment (MRM_ENVIRONMENT)")
                    .isNotBlank();
            try {
                BusAuthentication.authenticator(pod.busAuth(), pod.service());
            } catch (IllegalStateException e) {
                throw new AssertionError(pod + ": " + pod.service() + " would not start: " + e.getMessage(), e);
            }
        }
    }

    static void assertSignersAndReadersAgree(List<Pod> pods) {
        Map<String, String> environments = new TreeMap<>();
        pods.forEach(p -> environments.put(p.toString(), p.busAuth().environment()));
        assertThat(new TreeSet<>(environments.values()))
                .as("one environment name (MRM_ENVIRONMENT) in all sites: " + environments)
                .hasSize(1);
        Pod engine = pods.stream()
                .filter(p -> p.service().equals("decision-engine"))
                .findFirst()
                .orElseThrow();
        SigningKeySetting engineKey = engine.busAuth().signingKey();
        for (Pod actuator : pods.stream()
                .filter(p -> Set.of("dns-actuator", "hana-sync", "aem-sync", "hook-actuator")
                        .contains(p.service()))
                .toList()) {
            assertThat(actuator.busAuth().trustedKeys())
                    .as(actuator + ": trusts the engine's key " + engineKey.id())
                    .anySatisfy(t -> {
                        assertThat(t.signer()).isEqualTo("decision-engine");
                        assertThat(t.id()).isEqualTo(engineKey.id());
                        assertPair(
                                privateKey(engineKey.file()),
                                publicKey(t.publicKeyFile()),
                                actuator + ": the engine's public key " + t.publicKeyFile());
                    });
            SigningKeySetting own = actuator.busAuth().signingKey();
            assertThat(engine.busAuth().trustedKeys())
                    .as("the engine trusts " + actuator + "'s key " + own.id())
                    .anySatisfy(t -> {
                        assertThat(t.signer()).isEqualTo(actuator.service());
                        assertThat(t.id()).isEqualTo(own.id());
                        assertPair(
                                privateKey(own.file()),
                                publicKey(t.publicKeyFile()),
                                "the engine's public key of " + actuator.service() + " " + t.publicKeyFile());
                    });
        }
        Set<String> monitored = new TreeSet<>();
        for (Pod monitor :
                pods.stream().filter(p -> p.service().equals("health-monitor")).toList()) {
            String vantage = ShippedConfigurationTest.bind(monitor.shipped())
                    .get(HealthMonitorProperties.class)
                    .vantage();
            monitored.add(vantage);
            VantageKeySetting own = monitor.busAuth().vantageKeys().stream()
                    .filter(v -> v.vantage().equals(vantage))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            monitor + ": no vantage key for its vantage " + vantage + " (mrm.health.vantage)"));
            assertThat(engine.busAuth().vantageKeys())
                    .as("the engine checks " + monitor + "'s observations: " + own.id() + " for " + vantage
                            + ", with the same secret")
                    .anySatisfy(v -> {
                        assertThat(v.id()).isEqualTo(own.id());
                        assertThat(v.vantage()).isEqualTo(vantage);
                        assertThat(read(v.secret().file()))
                                .isEqualTo(read(own.secret().file()));
                    });
        }
        Set<String> applicationVantages = new TreeSet<>();
        ShippedConfigurationTest.bind(engine.shipped())
                .get(DecisionEngineProperties.class)
                .policies()
                .values()
                .forEach(app -> applicationVantages.addAll(app.vantages()));
        assertThat(monitored)
                .as("the applications' vantages have a monitor in some site")
                .isEqualTo(applicationVantages);
    }

    /**
     * Every k8s container as it starts, rendered from the copy in {@code work}: the files its volumes mount
     * written out under a folder of its own, its {@code mrm.bus-auth} bound and re-rooted there.
     */
    static List<Pod> pods(Path work) {
        Map<String, KubernetesManifestsTest.Workload> workloads = new HashMap<>();
        Map<String, Manifests> manifests = new HashMap<>();
        for (String overlay : Manifests.OVERLAYS) {
            Manifests m = Manifests.render(overlay, work);
            manifests.put(overlay, m);
            KubernetesManifestsTest.workloads(m).forEach(w -> workloads.put("k8s " + overlay + " " + w.name(), w));
        }
        List<Pod> pods = new ArrayList<>();
        for (ShippedConfigurationTest.Shipped s : ShippedConfigurationTest.kubernetes(work)) {
            KubernetesManifestsTest.Workload w = workloads.get(s.where());
            assertThat(w).as(s.where()).isNotNull();
            String overlay = s.where().split(" ")[1];
            Path root = work.resolve("pods").resolve(overlay).resolve(w.name());
            Container c = w.template().getSpec().getContainers().stream()
                    .filter(x -> x.getName().equals(s.service()))
                    .findFirst()
                    .orElseThrow();
            writeMountedFiles(manifests.get(overlay), w, c, root);
            BusAuthProperties bound = ShippedConfigurationTest.bind(s).get(BusAuthProperties.class);
            pods.add(new Pod(overlay, w.name(), s, root, reroot(bound, root, s.where())));
        }
        return pods;
    }

    private static void writeMountedFiles(Manifests m, KubernetesManifestsTest.Workload w, Container c, Path root) {
        Map<String, Volume> volumes = new HashMap<>();
        w.template().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount mount : c.getVolumeMounts()) {
            Volume v = volumes.get(mount.getName());
            Map<String, byte[]> data = new TreeMap<>();
            List<KeyToPath> items = null;
            if (v != null && v.getSecret() != null) {
                m.named(Secret.class, v.getSecret().getSecretName())
                        .getData()
                        .forEach((k, value) -> data.put(k, Base64.getDecoder().decode(value)));
                items = v.getSecret().getItems();
            } else if (v != null && v.getConfigMap() != null) {
                m.named(ConfigMap.class, v.getConfigMap().getName())
                        .getData()
                        .forEach((k, value) -> data.put(k, value.getBytes(StandardCharsets.UTF_8)));
                items = v.getConfigMap().getItems();
            }
            Map<String, String> paths = new TreeMap<>();
            if (items == null || items.isEmpty()) {
                data.keySet().forEach(k -> paths.put(k, k));
            } else {
                items.forEach(i -> paths.put(i.getKey(), i.getPath()));
            }
            paths.forEach((key, path) -> write(under(root, mount.getMountPath()).resolve(path), data.get(key)));
        }
    }

    /** The settings with every file they name moved under {@code root}, where the pod's files are written. */
    private static BusAuthProperties reroot(BusAuthProperties p, Path root, String where) {
        SigningKeySetting signing = p.signingKey() == null
                ? null
                : new SigningKeySetting(
                        p.signingKey().id(),
                        p.signingKey().env(),
                        file(root, p.signingKey().file(), where));
        List<TrustedKeySetting> trusted = p.trustedKeys().stream()
                .map(t ->
                        new TrustedKeySetting(t.id(), t.signer(), t.publicKey(), file(root, t.publicKeyFile(), where)))
                .toList();
        List<VantageKeySetting> vantages = p.vantageKeys().stream()
                .map(v -> new VantageKeySetting(
                        v.id(),
                        v.vantage(),
                        v.secret() == null
                                ? null
                                : new SecretSetting(
                                        v.secret().env(), file(root, v.secret().file(), where))))
                .toList();
        return new BusAuthProperties(p.mode(), p.environment(), signing, trusted, vantages);
    }

    private static String file(Path root, String file, String where) {
        if (file == null || file.isBlank()) {
            return file;
        }
        assertThat(Path.of(file).isAbsolute())
                .as(where + ": " + file + " is absolute")
                .isTrue();
        Path inPod = under(root, file);
        assertThat(inPod)
                .as(where + ": names " + file + ", which its pod does not have (no volume mounts it)")
                .exists();
        return inPod.toString();
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }

    // ---------------------------------------------------------------------------------------------
    // keys

    /**
     * Puts a real key in place of each bus key example in the copy, as an operator would: one Ed25519 pair
     * per signer ({@code bus-<signer>.key}, {@code .pub}), one secret per vantage, the same in every site.
     */
    static void makeKeysAsAnOperatorWould(Path k8s) {
        Map<String, KeyPair> pairs = new HashMap<>();
        Map<String, String> secrets = new HashMap<>();
        SecureRandom random = new SecureRandom();
        for (Path file : busKeyFiles(k8s)) {
            String name = file.getFileName().toString();
            Matcher key = BUS_KEY.matcher(name);
            Matcher vantage = VANTAGE_SECRET.matcher(name);
            String content;
            if (key.matches()) {
                KeyPair pair = pairs.computeIfAbsent(key.group(1), signer -> OperatorKeys.generate());
                content = key.group(2).equals("key")
                        ? OperatorKeys.pem(pair.getPrivate())
                        : OperatorKeys.pem(pair.getPublic());
            } else if (vantage.matches()) {
                content = secrets.computeIfAbsent(name, n -> {
                    byte[] bytes = new byte[48];
                    random.nextBytes(bytes);
                    return Base64.getEncoder().encodeToString(bytes) + "\n";
                });
            } else {
                throw new IllegalStateException(file + " is no bus key file");
            }
            write(file, content.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The bus key files the overlays read: each {@code secrets/*.example} of a bus key, without its suffix. */
    static List<Path> busKeyFiles(Path k8s) {
        try (Stream<Path> files = Files.walk(k8s.resolve("overlays"))) {
            return files.filter(f -> f.getParent().getFileName().toString().equals("secrets"))
                    .filter(f -> f.getFileName().toString().endsWith(".example"))
                    .map(f -> f.resolveSibling(f.getFileName().toString().replaceFirst("\\.example$", "")))
                    .filter(f -> BUS_KEY.matcher(f.getFileName().toString()).matches()
                            || VANTAGE_SECRET
                                    .matcher(f.getFileName().toString())
                                    .matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrivateKey privateKey(String file) {
        return OperatorKeys.privateKey(read(file));
    }

    private static PublicKey publicKey(String file) {
        return OperatorKeys.publicKey(read(file));
    }

    private static void assertPair(PrivateKey privateKey, PublicKey publicKey, String what) {
        try {
            byte[] message = "mrm deploy-check".getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(message);
            assertThat(verifier.verify(signature))
                    .as(what + " is the pair of the signer's private key")
                    .isTrue();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }

    private static int script(Path k8s) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", k8s.resolve("make-bus-keys.sh").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as("make-bus-keys.sh finished in 120 s")
                .isTrue();
        return p.exitValue();
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<Path, String> contents(List<Path> files) {
        Map<Path, String> out = new TreeMap<>();
        files.forEach(f -> out.put(f, read(f.toString())));
        return out;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
