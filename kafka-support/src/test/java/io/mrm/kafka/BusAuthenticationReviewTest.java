package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.operator.OperatorKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A careless operator's bus settings: one secret file copied for every vantage, one key pair for the
 * engine and an actuator. The service refuses to start, naming the key ids and never the keys.
 */
class BusAuthenticationReviewTest {

    @TempDir
    Path dir;

    @Test
    void theEngineRefusesOneSecretCopiedForEveryVantage() throws Exception {
        Path file = Files.writeString(dir.resolve("vantage.secret"), "copied-to-every-vantage-".repeat(3) + "\n");
        List<BusAuthProperties.VantageKeySetting> vantages = List.of(
                new BusAuthProperties.VantageKeySetting(
                        "vantage-a-1", "vantage-a", new SecretSetting(null, file.toString())),
                new BusAuthProperties.VantageKeySetting(
                        "vantage-b-1", "vantage-b", new SecretSetting(null, file.toString())));
        KeyPair dns = OperatorKeys.generate();
        BusAuthProperties props = new BusAuthProperties(
                BusAuthProperties.Mode.REQUIRED,
                "prod",
                signingKey(OperatorKeys.generate()),
                List.of(new BusAuthProperties.TrustedKeySetting(
                        "dns-1", "dns-actuator", OperatorKeys.oneLine(dns.getPublic()), null)),
                vantages);
        assertThatThrownBy(() -> BusAuthentication.authenticator(props, "decision-engine"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("mrm.bus-auth: ")
                .hasMessageContaining("'vantage-a-1' (vantage-a) and 'vantage-b-1' (vantage-b) hold the same secret")
                .hasMessageNotContaining("copied-to-every-vantage");
    }

    @Test
    void anActuatorRefusesToHoldTheEnginesKey() throws Exception {
        KeyPair shared = OperatorKeys.generate();
        BusAuthProperties props = new BusAuthProperties(
                BusAuthProperties.Mode.REQUIRED,
                "prod",
                signingKey(shared),
                List.of(new BusAuthProperties.TrustedKeySetting(
                        "engine-1", "decision-engine", OperatorKeys.oneLine(shared.getPublic()), null)),
                List.of());
        assertThatThrownBy(() -> BusAuthentication.authenticator(props, "dns-actuator"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "signing key 'key-1' (dns-actuator) is the key trusted as 'engine-1' of " + "decision-engine");
    }

    private BusAuthProperties.SigningKeySetting signingKey(KeyPair pair) throws Exception {
        Path file = Files.writeString(
                dir.resolve("signing-" + System.nanoTime() + ".pem"), OperatorKeys.pem(pair.getPrivate()));
        return new BusAuthProperties.SigningKeySetting("key-1", null, file.toString());
    }
}
