package io.mrm.sandbox;

import io.mrm.events.auth.BusSigner;
import io.mrm.events.operator.OperatorKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys that authenticate the sandbox's bus, made the way a deployment makes them: an Ed25519
 * key pair for the engine and each actuator (private keys in owner-only files, each service given
 * only its own), a secret per vantage point; every service then runs with {@code mrm.bus-auth.mode=required}.
 */
final class SandboxBusKeys {

    static final String ENVIRONMENT = "sandbox";

    private final Map<BusSigner, Path> privateKeys = new EnumMap<>(BusSigner.class);
    private final Map<BusSigner, String> publicKeys = new EnumMap<>(BusSigner.class);
    private final Map<String, Path> vantageSecrets = new LinkedHashMap<>();

    SandboxBusKeys(Path dir, List<String> vantages) throws IOException {
        Path keys = Files.createDirectory(dir.resolve("bus-keys"));
        for (BusSigner signer : BusSigner.values()) {
            KeyPair pair = OperatorKeys.generate();
            privateKeys.put(signer, ownerOnly(keys.resolve(signer.serviceName() + ".key"),
                    OperatorKeys.pem(pair.getPrivate())));
            publicKeys.put(signer, OperatorKeys.oneLine(pair.getPublic()));
        }
        SecureRandom random = new SecureRandom();
        for (String vantage : vantages) {
            byte[] secret = new byte[48];
            random.nextBytes(secret);
            vantageSecrets.put(vantage, ownerOnly(keys.resolve(vantage + ".secret"),
                    Base64.getEncoder().encodeToString(secret)));
        }
    }

    /** The {@code mrm.bus-auth} settings of one service; {@code vantage} only for a monitor. */
    Map<String, Object> properties(String serviceName, String vantage) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.bus-auth.mode", "required");
        props.put("mrm.bus-auth.environment", ENVIRONMENT);
        BusSigner self = BusSigner.forService(serviceName).orElse(null);
        if (self != null) {
            props.put("mrm.bus-auth.signing-key.id", keyId(self));
            props.put("mrm.bus-auth.signing-key.file", privateKeys.get(self).toString());
        }
        int i = 0;
        for (BusSigner signer : BusSigner.values()) {
            // the engine trusts the actuators; an actuator trusts the engine
            boolean trusted = self == BusSigner.ENGINE ? signer != BusSigner.ENGINE : signer == BusSigner.ENGINE;
            if (self != null && trusted) {
                String key = "mrm.bus-auth.trusted-keys[" + i++ + "].";
                props.put(key + "id", keyId(signer));
                props.put(key + "signer", signer.serviceName());
                props.put(key + "public-key", publicKeys.get(signer));
            }
        }
        int v = 0;
        for (Map.Entry<String, Path> secret : vantageSecrets.entrySet()) {
            if (self == BusSigner.ENGINE || secret.getKey().equals(vantage)) {
                String key = "mrm.bus-auth.vantage-keys[" + v++ + "].";
                props.put(key + "id", secret.getKey() + "-1");
                props.put(key + "vantage", secret.getKey());
                props.put(key + "secret.file", secret.getValue().toString());
            }
        }
        return props;
    }

    private static String keyId(BusSigner signer) {
        return signer.serviceName() + "-1";
    }

    private static Path ownerOnly(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
