package io.mrm.mrmctl.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.domain.StepSpec;
import io.mrm.decision.policy.DataSizes;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.decision.policy.PolicySettings.Policies;
import io.mrm.events.decision.StepAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A policy file for mrmctl's backtests (an adapter: it parses YAML and reads files, which decision-core
 * leaves to the module that does I/O): the engine's configuration keys ({@code mrm.decision.request-signatures},
 * {@code operators}, {@code applications[...]}) in YAML, with or without the {@code mrm: decision:}
 * wrapping. It only parses the YAML: the keys, defaults and checks are {@link PolicySettings}', the definition
 * the engine reads its configuration through, so a file the engine would refuse is refused here too (an
 * unknown key included: a typo in a stricter policy must not silently fall back to a default).
 */
public final class PolicyFile {

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();

    private PolicyFile() {}

    /** Reads a policy file; a relative {@code public-key-file} is resolved against the file's folder. */
    public static Policies read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read policy file " + file + ": " + e.getMessage());
        }
        try {
            return read(text, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads policy YAML through {@link PolicySettings}, the definition the engine reads its configuration
     * through; {@code baseDir} resolves relative key files (null: the working directory).
     */
    public static Policies read(String yaml, Path baseDir) {
        Object root;
        try {
            JsonNode tree = YAML.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new IllegalArgumentException("the policy file is empty");
            }
            // plain maps, lists and scalars: what PolicySettings reads, whoever parsed it
            root = YAML.treeToValue(tree, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid YAML: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        Object decision = root;
        if (root instanceof Map<?, ?> top && field(top, "mrm") != null) {
            Object mrm = field(top, "mrm");
            decision = mrm instanceof Map<?, ?> m ? field(m, "decision") : null;
            if (decision == null) {
                throw new IllegalArgumentException("mrm: has no decision: section");
            }
        }
        if (!(decision instanceof Map<?, ?> settings)) {
            throw new IllegalArgumentException(PolicySettings.PREFIX + ": must be a map of keys");
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> tree = (Map<String, ?>) settings;
        return PolicySettings.read(
                tree, keyFile -> readKeyFile(baseDir == null ? Path.of(keyFile) : baseDir.resolve(keyFile)));
    }

    private static String readKeyFile(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Object field(Map<?, ?> object, String name) {
        for (Map.Entry<?, ?> e : object.entrySet()) {
            if (String.valueOf(e.getKey()).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    // ---- writing --------------------------------------------------------------------------

    /**
     * The YAML of these policies with every key written out (defaults too; {@code failover-drain-max-backlog}
     * only when set, since unset means no bound), under {@code mrm: decision:}: what {@link #read} reads back
     * into equal policies.
     */
    public static String write(Map<String, ApplicationPolicy> policies, RequestAuthority authority) {
        Map<String, Object> signatures = new LinkedHashMap<>();
        signatures.put("required", authority.signaturesRequired());
        signatures.put("max-age", format(authority.maxAge()));
        signatures.put("max-clock-skew", format(authority.maxClockSkew()));
        List<Map<String, Object>> operators = new ArrayList<>();
        authority.operators().stream()
                .sorted(Comparator.comparing(Operator::id))
                .forEach(o -> {
                    Map<String, Object> op = new LinkedHashMap<>();
                    op.put("id", o.id());
                    op.put(
                            "roles",
                            o.roles().stream()
                                    .sorted()
                                    .map(r -> r.name().toLowerCase(Locale.ROOT))
                                    .toList());
                    op.put("public-key", o.publicKey().strip());
                    operators.add(op);
                });
        List<Map<String, Object>> applications = new ArrayList<>();
        for (ApplicationPolicy p : policies.values()) {
            Map<String, Object> app = new LinkedHashMap<>();
            app.put("id", p.applicationId());
            app.put("primary-region", p.primaryRegion());
            app.put("standby-region", p.standbyRegion());
            app.put("health-components", p.healthComponents().stream().sorted().toList());
            app.put("alert-components", p.alertComponents().stream().sorted().toList());
            app.put("quorum", p.quorum());
            app.put("failure-threshold", p.failureThreshold());
            app.put("recovery-threshold", p.recoveryThreshold());
            app.put("stale-after", format(p.staleAfter()));
            app.put("mode", p.mode().name());
            app.put("hold-down", format(p.holdDown()));
            app.put("max-failovers-per-window", p.maxFailoversPerWindow());
            app.put("failover-window", format(p.failoverWindow()));
            app.put("plan", steps(p.steps(), p.parallelSteps()));
            if (p.forcedSteps() != null) {
                app.put("forced-plan", steps(p.forcedSteps(), p.parallelSteps()));
            }
            app.put("reprotect-plan", names(p.reprotectPlan()));
            app.put("step-timeout", format(p.stepTimeout()));
            app.put("step-max-attempts", p.stepMaxAttempts());
            app.put("retry-backoff", format(p.retryBackoff()));
            app.put(
                    "parallel-steps",
                    p.parallelSteps().stream().sorted().map(Enum::name).toList());
            app.put("two-person-rule", p.twoPersonRule());
            app.put("vantages", p.vantages().stream().sorted().toList());
            app.put("max-observation-skew", format(p.maxObservationSkew()));
            app.put("proposal-timeout", format(p.proposalTimeout()));
            app.put("fence-timeout", format(p.fenceTimeout()));
            app.put("fence-retry-interval", format(p.fenceRetryInterval()));
            app.put("failover-drain-within", format(p.failoverDrainWithin()));
            app.put(
                    "degraded-not-a-target",
                    p.degradedNotATarget().stream().sorted().toList());
            app.put("max-alert-witnesses", p.maxAlertWitnesses());
            if (p.failoverDrainMaxBacklogBytes() != null) {
                app.put("failover-drain-max-backlog", DataSizes.format(p.failoverDrainMaxBacklogBytes()));
            }
            Map<String, Object> readiness = new LinkedHashMap<>();
            readiness.put("required", p.readiness().required());
            readiness.put("max-age", format(p.readiness().maxAge()));
            readiness.put("unknown-blocks", p.readiness().unknownBlocks());
            app.put("readiness", readiness);
            applications.add(app);
        }
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("request-signatures", signatures);
        decision.put("operators", operators);
        decision.put("applications", applications);
        try {
            return YAML.writeValueAsString(Map.of("mrm", Map.of("decision", decision)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write policy YAML", e);
        }
    }

    /**
     * A plan as a policy file writes it: a step that is only its action by name, any other as a map. A step
     * written by name runs with the one before it when its action is in parallel-steps (as the engine reads it),
     * so a step whose own parallel says otherwise is written as a map that says it.
     */
    private static List<Object> steps(List<StepSpec> steps, Collection<StepAction> parallelSteps) {
        List<Object> out = new ArrayList<>();
        for (StepSpec step : steps) {
            boolean byName = !out.isEmpty() && parallelSteps.contains(step.action());
            if (step.hook() == null
                    && step.timeout() == null
                    && step.maxAttempts() == null
                    && step.parallel() == byName) {
                out.add(step.action().name());
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("action", step.action().name());
            if (step.hook() != null) {
                entry.put("hook", step.hook());
            }
            if (step.timeout() != null) {
                entry.put("timeout", format(step.timeout()));
            }
            if (step.maxAttempts() != null) {
                entry.put("attempts", step.maxAttempts());
            }
            if (step.parallel() || byName) {
                entry.put("parallel", step.parallel());
            }
            out.add(entry);
        }
        return out;
    }

    private static List<String> names(List<StepAction> actions) {
        return actions.stream().map(Enum::name).toList();
    }

    /** The shortest exact form: 24h, 5m, 30s, 250ms (ISO-8601 below a millisecond). */
    static String format(Duration d) {
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
