package io.mrm.kafka;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may write the records that move the control loop (prefix {@code mrm.bus-auth}): the engine
 * signs its commands, each actuator signs its acknowledgements (Ed25519), each monitor
 * authenticates its observations with its vantage point's secret (HMAC-SHA256); readers refuse
 * what is unsigned or forged. Checked on top of the broker's ACLs, so that one compromised client
 * with write access to a topic still cannot speak for the engine, an actuator or a vantage point.
 *
 * @param mode        {@code required} (the default) or {@code off}: nothing signed or checked, for a
 *                    development stack only (the profile {@code local} sets it, with a warning at start-up)
 * @param environment the deployment's name (e.g. {@code prod-eu}), part of every signed byte string so
 *                    that records do not verify in another deployment; required when the mode is required
 * @param signingKey  this service's own Ed25519 private key (PKCS#8 PEM, from an environment variable or a
 *                    mounted file): required for the engine and the actuators
 * @param trustedKeys the public keys of the signers whose records this service reads: the engine's
 *                    keys for an actuator, the actuators' keys for the engine; two for one signer while
 *                    its key is rolled over
 * @param vantageKeys the secrets of vantage points: a monitor holds those it speaks for (its own
 *                    vantage and each alert source it receives), the engine holds them all; the first
 *                    one listed for a vantage is the one a monitor signs with
 */
@ConfigurationProperties("mrm.bus-auth")
public record BusAuthProperties(
        @DefaultValue("required") Mode mode,
        String environment,
        SigningKeySetting signingKey,
        List<TrustedKeySetting> trustedKeys,
        List<VantageKeySetting> vantageKeys) {

    public BusAuthProperties {
        trustedKeys = trustedKeys == null ? List.of() : List.copyOf(trustedKeys);
        vantageKeys = vantageKeys == null ? List.of() : List.copyOf(vantageKeys);
    }

    public enum Mode {
        REQUIRED,
        OFF
    }

    /**
     * @param id  names the key in every record it signs, e.g. {@code engine-2026-12}
     * @param env the environment variable holding the PEM
     * @param file the mounted file holding the PEM
     */
    public record SigningKeySetting(String id, String env, String file) {}

    /**
     * @param id             the key's id, as the signer names it
     * @param signer         {@code decision-engine}, {@code dns-actuator}, {@code hana-sync}, {@code aem-sync} or
     *                       {@code hook-actuator}
     * @param publicKey      the public key: PEM, or the base64 of its DER on one line
     * @param publicKeyFile  or a file holding it
     */
    public record TrustedKeySetting(String id, String signer, String publicKey, String publicKeyFile) {}

    /**
     * @param id      the key's id, e.g. {@code vantage-a-1}
     * @param vantage the vantage point (or alert source) it speaks for
     * @param secret  where the secret is: exactly one of {@code env} or {@code file}; at least 32 bytes
     */
    public record VantageKeySetting(String id, String vantage, SecretSetting secret) {}
}
