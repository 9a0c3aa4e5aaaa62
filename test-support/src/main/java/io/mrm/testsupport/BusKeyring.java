package io.mrm.testsupport;

import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusKeys.VantageSecret;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.operator.OperatorKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys that authenticate a bus, made the way a deployment makes them: an Ed25519 key pair for the
 * engine and each actuator (private keys in owner-only files), a secret per vantage point; and each
 * service's {@code mrm.bus-auth} settings, giving it only what it holds in production (its own private
 * key, the public keys of those it reads, the secrets of the vantages it speaks for or checks). Key ids
 * are {@code <service>-1} and {@code <vantage>-1}. For the sandbox, benchmarks and tests.
 */
public final class BusKeyring {

    private final String environment;
    private final Map<BusSigner, KeyPair> pairs = new EnumMap<>(BusSigner.class);
    private final Map<BusSigner, Path> privateKeys = new EnumMap<>(BusSigner.class);
    private final Map<String, VantageSecret> secrets = new LinkedHashMap<>();
    private final Map<String, Path> secretFiles = new LinkedHashMap<>();

    /** Makes the keys in {@code dir} (created if missing). */
    public BusKeyring(Path dir, String environment, List<String> vantages) throws IOException {
        this.environment = environment;
        Files.createDirectories(dir);
        for (BusSigner signer : BusSigner.values()) {
            KeyPair pair = OperatorKeys.generate();
            pairs.put(signer, pair);
            privateKeys.put(
                    signer, ownerOnly(dir.resolve(signer.serviceName() + ".key"), OperatorKeys.pem(pair.getPrivate())));
        }
        SecureRandom random = new SecureRandom();
        for (String vantage : vantages) {
            byte[] bytes = new byte[48];
            random.nextBytes(bytes);
            String text = Base64.getEncoder().encodeToString(bytes);
            secrets.put(vantage, new VantageSecret(keyId(vantage), vantage, text.getBytes(StandardCharsets.UTF_8)));
            secretFiles.put(vantage, ownerOnly(dir.resolve(vantage + ".secret"), text));
        }
    }

    public String environment() {
        return environment;
    }

    public KeyPair pair(BusSigner signer) {
        return pairs.get(signer);
    }

    public VantageSecret secret(String vantage) {
        return secrets.get(vantage);
    }

    /** What {@code signer} signs with, as its service holds it. */
    public SigningKey signingKey(BusSigner signer) {
        return new SigningKey(
                keyId(signer.serviceName()), signer, pairs.get(signer).getPrivate());
    }

    /** An authenticator that signs as {@code signer} (the way that service's codec does), trusting nobody. */
    public RecordAuthenticator signingAs(BusSigner signer) {
        return RecordAuthenticator.required(environment, Optional.of(signingKey(signer)), List.of(), List.of());
    }

    /** An authenticator that speaks for these vantages (the way a monitor's codec does). */
    public RecordAuthenticator speakingFor(String... vantages) {
        List<VantageSecret> held = new ArrayList<>();
        for (String v : vantages) {
            held.add(secrets.get(v));
        }
        return RecordAuthenticator.required(environment, Optional.empty(), List.of(), held);
    }

    /** The {@code mrm.bus-auth} settings of one service; {@code vantage} only for a monitor. */
    public Map<String, Object> properties(String serviceName, String vantage) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.bus-auth.mode", "required");
        props.put("mrm.bus-auth.environment", environment);
        BusSigner self = BusSigner.forService(serviceName).orElse(null);
        if (self != null) {
            props.put("mrm.bus-auth.signing-key.id", keyId(self.serviceName()));
            props.put("mrm.bus-auth.signing-key.file", privateKeys.get(self).toString());
        }
        int i = 0;
        for (BusSigner signer : BusSigner.values()) {
            // the engine trusts the actuators; an actuator trusts the engine
            boolean trusted = self == BusSigner.ENGINE ? signer != BusSigner.ENGINE : signer == BusSigner.ENGINE;
            if (self != null && trusted) {
                String key = "mrm.bus-auth.trusted-keys[" + i++ + "].";
                props.put(key + "id", keyId(signer.serviceName()));
                props.put(key + "signer", signer.serviceName());
                props.put(
                        key + "public-key",
                        OperatorKeys.oneLine(pairs.get(signer).getPublic()));
            }
        }
        int v = 0;
        for (Map.Entry<String, Path> secret : secretFiles.entrySet()) {
            if (self == BusSigner.ENGINE || secret.getKey().equals(vantage)) {
                String key = "mrm.bus-auth.vantage-keys[" + v++ + "].";
                props.put(key + "id", keyId(secret.getKey()));
                props.put(key + "vantage", secret.getKey());
                props.put(key + "secret.file", secret.getValue().toString());
            }
        }
        return props;
    }

    /** The same settings as command-line arguments ({@code --key=value}). */
    public List<String> args(String serviceName, String vantage) {
        return properties(serviceName, vantage).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toList();
    }

    private static String keyId(String name) {
        return name + "-1";
    }

    private static Path ownerOnly(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
