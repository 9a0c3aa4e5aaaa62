package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.operator.OperatorKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service refuses to start with bus settings that would let it sign for another or refuse all it reads. */
class BusAuthenticationTest {

    @TempDir
    Path dir;

    final KeyPair engine = OperatorKeys.generate();

    @Test
    void offIsOffAndSaysSo() {
        RecordAuthenticator off = BusAuthentication.authenticator(
                props(BusAuthProperties.Mode.OFF, null, null, List.of(), List.of()), "decision-engine");
        assertThat(off.isRequired()).isFalse();
    }

    @Test
    void requiredNeedsAnEnvironmentAndTheEnginesKeysAndNamesEveryProblemAtOnce() {
        assertThatThrownBy(() -> BusAuthentication.authenticator(
                        props(BusAuthProperties.Mode.REQUIRED, " ", null, List.of(), List.of()), "decision-engine"))
                .hasMessageContaining("mrm.bus-auth.environment must name this deployment")
                .hasMessageContaining("mrm.bus-auth.signing-key is required: decision-engine signs its commands")
                .hasMessageContaining("vantage-keys is empty: every observation would be refused")
                .hasMessageContaining("names no actuator's key");
    }

    @Test
    void anActuatorMustTrustAnEngineKey() throws Exception {
        BusAuthProperties props = props(
                BusAuthProperties.Mode.REQUIRED, "prod", signingKeyFile(OperatorKeys.generate()), List.of(), List.of());
        assertThatThrownBy(() -> BusAuthentication.authenticator(props, "dns-actuator"))
                .hasMessageContaining("names no key of decision-engine: every command would be refused");
    }

    @Test
    void aServiceThatSignsNothingRefusesASigningKey() throws Exception {
        BusAuthProperties props = props(
                BusAuthProperties.Mode.REQUIRED,
                "prod",
                signingKeyFile(engine),
                List.of(),
                List.of(vantage("vantage-a")));
        assertThatThrownBy(() -> BusAuthentication.authenticator(props, "health-monitor"))
                .hasMessageContaining("health-monitor signs nothing with it");
    }

    @Test
    void aMonitorNeedsItsVantageSecret() {
        assertThatThrownBy(() -> BusAuthentication.authenticator(
                        props(BusAuthProperties.Mode.REQUIRED, "prod", null, List.of(), List.of()), "health-monitor"))
                .hasMessageContaining("a monitor needs the secret of its vantage point");
    }

    @Test
    void aShortSecretOrAWrongKeyIsNamedWithoutPrintingIt() throws Exception {
        Path shortSecret = Files.writeString(dir.resolve("short"), "tooshort-secret-value");
        BusAuthProperties props = props(
                BusAuthProperties.Mode.REQUIRED,
                "prod",
                null,
                List.of(new BusAuthProperties.TrustedKeySetting("engine-1", "decision-engine", "bm90IGEga2V5", null)),
                List.of(new BusAuthProperties.VantageKeySetting(
                        "a-1", "vantage-a", new SecretSetting(null, shortSecret.toString()))));
        assertThatThrownBy(() -> BusAuthentication.authenticator(props, "health-monitor"))
                .hasMessageContaining("must be at least 32 bytes")
                .hasMessageContaining("trusted-keys[0]: not an Ed25519 public key")
                .hasMessageNotContaining("tooshort-secret-value");
    }

    @Test
    void aTrustedKeyNamesARealSigner() {
        BusAuthProperties props = props(
                BusAuthProperties.Mode.REQUIRED,
                "prod",
                null,
                List.of(new BusAuthProperties.TrustedKeySetting(
                        "x-1", "health-monitor", OperatorKeys.oneLine(engine.getPublic()), null)),
                List.of(vantage("vantage-a")));
        assertThatThrownBy(() -> BusAuthentication.authenticator(props, "health-monitor"))
                .hasMessageContaining(
                        "signer must be one of [decision-engine, dns-actuator, hana-sync, aem-sync, hook-actuator]");
    }

    @Test
    void aCompleteEngineConfigurationStarts() throws Exception {
        KeyPair dns = OperatorKeys.generate();
        BusAuthProperties props = props(
                BusAuthProperties.Mode.REQUIRED,
                "prod-eu",
                signingKeyFile(engine),
                List.of(new BusAuthProperties.TrustedKeySetting(
                        "dns-1", "dns-actuator", OperatorKeys.oneLine(dns.getPublic()), null)),
                List.of(vantage("vantage-a")));
        RecordAuthenticator authenticator = BusAuthentication.authenticator(props, "decision-engine");
        assertThat(authenticator.isRequired()).isTrue();
        assertThat(authenticator.toString())
                .contains("signs as decision-engine", "dns-1", "vantage-a-1")
                .doesNotContain(OperatorKeys.oneLine(dns.getPublic()));
    }

    private BusAuthProperties.SigningKeySetting signingKeyFile(KeyPair pair) throws Exception {
        Path file = Files.writeString(
                dir.resolve("signing-" + System.nanoTime() + ".pem"), OperatorKeys.pem(pair.getPrivate()));
        return new BusAuthProperties.SigningKeySetting("key-1", null, file.toString());
    }

    private BusAuthProperties.VantageKeySetting vantage(String vantage) {
        try {
            Path file = Files.writeString(dir.resolve(vantage + ".secret"), "s".repeat(48));
            return new BusAuthProperties.VantageKeySetting(
                    vantage + "-1", vantage, new SecretSetting(null, file.toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BusAuthProperties props(
            BusAuthProperties.Mode mode,
            String environment,
            BusAuthProperties.SigningKeySetting key,
            List<BusAuthProperties.TrustedKeySetting> trusted,
            List<BusAuthProperties.VantageKeySetting> vantages) {
        return new BusAuthProperties(mode, environment, key, trusted, vantages);
    }
}
