package io.mrm.decision.config;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.policy.PolicySettings;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The decision engine's settings (prefix {@code mrm.decision}): its own Kafka Streams tuning, typed here, and
 * the decision policy (request signatures, operators, applications), which Spring only collects as it is
 * written: its keys, defaults and checks are {@link PolicySettings}', the one definition mrmctl's policy files
 * are read through too. So the engine and a backtest accept and refuse exactly the same policy, and an
 * unknown key inside it stops the engine at start-up naming the nearest key ({@link PolicyKeysCheck}).
 *
 * @param commitInterval Kafka Streams commit interval under exactly-once: inputs that change only
 *                       counters are committed in batches this long
 * @param commitOnOutput commit as soon as an input or tick produced an output someone waits for (a decision, a
 *                       command, an alert, a request's outcome; a topology or readiness view alone waits for the
 *                       interval), instead of waiting for the interval: nobody sees an output before its
 *                       transaction commits (see docs/architecture.md, "Latency"). Off only to study crashes.
 * @param tickInterval   how often time is applied to every application (staleness, deadlines, retries)
 * @param stateDir       Kafka Streams state directory; empty means a folder under java.io.tmpdir
 * @param requestSignatures how operator requests are authenticated
 * @param operators      who may send requests: id, roles, Ed25519 public key
 * @param applications   one policy per application
 */
@Validated
@ConfigurationProperties(PolicySettings.PREFIX)
public record DecisionEngineProperties(
        @NotNull @DefaultValue("100ms") Duration commitInterval,
        @DefaultValue("true") boolean commitOnOutput,
        @NotNull @DefaultValue("1s") Duration tickInterval,
        String stateDir,
        Map<String, Object> requestSignatures,
        List<Map<String, Object>> operators,
        List<Map<String, Object>> applications) {

    /** Whoever sets a public-key-file gives its path as the engine's process sees it. */
    private static String readKeyFile(String name) {
        try {
            return Files.readString(Path.of(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The policy as written under the prefix, for {@link PolicySettings}. */
    Map<String, Object> policyTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        if (requestSignatures != null) {
            tree.put("request-signatures", requestSignatures);
        }
        if (operators != null) {
            tree.put("operators", operators);
        }
        if (applications != null) {
            tree.put("applications", applications);
        }
        return tree;
    }

    /** Checks the whole policy (keys, values, operators' key files) as the engine will run it. */
    public PolicySettings.Policies read() {
        return PolicySettings.read(policyTree(), DecisionEngineProperties::readKeyFile);
    }

    /** Who may ask what; reads public-key files, so call it once at start. */
    public RequestAuthority authority() {
        return PolicySettings.authority(policyTree(), DecisionEngineProperties::readKeyFile);
    }

    public Map<String, ApplicationPolicy> policies() {
        return PolicySettings.applications(policyTree());
    }
}
