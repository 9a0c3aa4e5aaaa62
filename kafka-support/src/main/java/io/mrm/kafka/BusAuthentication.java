package io.mrm.kafka;

import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusKeys.VantageSecret;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.operator.OperatorKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this service's {@link RecordAuthenticator} from {@code mrm.bus-auth}, and refuses to start
 * with a configuration that would have it sign for somebody else or refuse everything it reads.
 * Every problem is named at once; no message contains a key or a secret.
 */
public final class BusAuthentication {

    private static final Logger log = LoggerFactory.getLogger(BusAuthentication.class);
    static final String MONITOR = "health-monitor";

    private BusAuthentication() {}

    public static RecordAuthenticator authenticator(BusAuthProperties props, String serviceName) {
        if (props.mode() == BusAuthProperties.Mode.OFF) {
            log.warn("bus authentication is OFF (mrm.bus-auth.mode=off): commands, acknowledgements and "
                    + "observations are neither signed nor checked, so anyone who can write to their topics can "
                    + "move the control loop. For a development stack only.");
            return RecordAuthenticator.off();
        }
        List<String> problems = new ArrayList<>();
        if (props.environment() == null || props.environment().isBlank()) {
            problems.add("mrm.bus-auth.environment must name this deployment (e.g. prod-eu): it is part of every "
                    + "signature, so that records from another deployment do not verify here");
        }
        Optional<BusSigner> signer = BusSigner.forService(serviceName);
        SigningKey signingKey = signingKey(props, signer, serviceName, problems);
        List<TrustedKey> trusted = trustedKeys(props, problems);
        List<VantageSecret> vantages = vantageKeys(props, problems);
        Set<BusSigner> trustedSigners = trusted.stream()
                .map(TrustedKey::signer)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(BusSigner.class)));
        if (signer.isPresent() && signer.get() != BusSigner.ENGINE && !trustedSigners.contains(BusSigner.ENGINE)) {
            problems.add("mrm.bus-auth.trusted-keys names no key of decision-engine: every command would be refused");
        }
        if (signer.orElse(null) == BusSigner.ENGINE) {
            if (vantages.isEmpty() && props.vantageKeys().isEmpty()) {
                problems.add("mrm.bus-auth.vantage-keys is empty: every observation would be refused");
            }
            Set<BusSigner> actuators = EnumSet.of(
                    BusSigner.DNS_ACTUATOR, BusSigner.HANA_SYNC, BusSigner.AEM_SYNC, BusSigner.HOOK_ACTUATOR);
            int all = actuators.size();
            actuators.removeAll(trustedSigners);
            if (actuators.size() == all) {
                problems.add(
                        "mrm.bus-auth.trusted-keys names no actuator's key: every acknowledgement would be refused");
            } else if (!actuators.isEmpty()) {
                log.warn(
                        "mrm.bus-auth.trusted-keys names no key of {}: its acknowledgements will be refused",
                        actuators.stream().map(BusSigner::serviceName).toList());
            }
        }
        if (MONITOR.equals(serviceName) && props.vantageKeys().isEmpty()) {
            problems.add("mrm.bus-auth.vantage-keys is empty: a monitor needs the secret of its vantage point "
                    + "(and of each alert source it receives) to publish observations");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("mrm.bus-auth: " + String.join("; ", problems)
                    + " (mrm.bus-auth.mode=off turns authentication off, for a development stack only)");
        }
        RecordAuthenticator authenticator;
        try {
            authenticator = RecordAuthenticator.required(
                    props.environment().strip(), Optional.ofNullable(signingKey), trusted, vantages);
        } catch (IllegalArgumentException e) {
            // one key held for two identities (never names a key, only ids)
            throw new IllegalStateException("mrm.bus-auth: " + e.getMessage(), e);
        }
        log.info("bus authentication required: {}", authenticator);
        return authenticator;
    }

    private static SigningKey signingKey(
            BusAuthProperties props, Optional<BusSigner> signer, String serviceName, List<String> problems) {
        BusAuthProperties.SigningKeySetting setting = props.signingKey();
        if (signer.isEmpty()) {
            if (setting != null) {
                problems.add("mrm.bus-auth.signing-key is set, but " + serviceName + " signs nothing with it (only "
                        + "the engine and the actuators do)");
            }
            return null;
        }
        if (setting == null) {
            problems.add("mrm.bus-auth.signing-key is required: " + serviceName + " signs its "
                    + (signer.get() == BusSigner.ENGINE ? "commands" : "acknowledgements"));
            return null;
        }
        SecretReference reference = SecretSetting.check(
                problems, "mrm.bus-auth.signing-key", new SecretSetting(setting.env(), setting.file()));
        if (reference == null) {
            return null;
        }
        try {
            return new SigningKey(setting.id(), signer.get(), OperatorKeys.privateKey(reference.read()));
        } catch (RuntimeException e) {
            problems.add("mrm.bus-auth.signing-key (" + reference + "): " + e.getMessage());
            return null;
        }
    }

    private static List<TrustedKey> trustedKeys(BusAuthProperties props, List<String> problems) {
        List<TrustedKey> out = new ArrayList<>();
        for (int i = 0; i < props.trustedKeys().size(); i++) {
            BusAuthProperties.TrustedKeySetting t = props.trustedKeys().get(i);
            String key = "mrm.bus-auth.trusted-keys[" + i + "]";
            try {
                boolean inline = t.publicKey() != null && !t.publicKey().isBlank();
                boolean file = t.publicKeyFile() != null && !t.publicKeyFile().isBlank();
                if (inline == file) {
                    throw new IllegalArgumentException("needs exactly one of public-key or public-key-file");
                }
                String text = inline
                        ? t.publicKey()
                        : Files.readString(Path.of(t.publicKeyFile().strip()), StandardCharsets.UTF_8);
                out.add(new TrustedKey(t.id(), BusSigner.named(t.signer()), OperatorKeys.publicKey(text)));
            } catch (IOException e) {
                problems.add(key + ": cannot read " + t.publicKeyFile() + " ("
                        + e.getClass().getSimpleName() + ")");
            } catch (RuntimeException e) {
                problems.add(key + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static List<VantageSecret> vantageKeys(BusAuthProperties props, List<String> problems) {
        List<VantageSecret> out = new ArrayList<>();
        for (int i = 0; i < props.vantageKeys().size(); i++) {
            BusAuthProperties.VantageKeySetting v = props.vantageKeys().get(i);
            String key = "mrm.bus-auth.vantage-keys[" + i + "]";
            SecretReference reference = SecretSetting.check(problems, key + ".secret", v.secret());
            if (reference == null) {
                continue;
            }
            try {
                out.add(new VantageSecret(
                        v.id(), v.vantage(), reference.read().strip().getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                problems.add(key + ": " + e.getMessage());
            }
        }
        return out;
    }
}
