package io.mrm.mrmctl.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.policy.DataSizes;
import io.mrm.decision.policy.Durations;
import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A policy file for mrmctl's backtests (an adapter: it parses YAML and reads files, which decision-core
 * leaves to the module that does I/O): the engine's configuration keys ({@code mrm.decision.request-signatures},
 * {@code operators}, {@code applications[...]}) in YAML, with or without the {@code mrm: decision:}
 * wrapping, with the engine's defaults and checks. Unlike Spring's binding, an unknown key is an
 * error naming it: a typo in a stricter policy must not silently fall back to a default.
 */
public final class PolicyFile {

    /** What a policy file says: one policy per application, and who may send requests. */
    public record Policies(Map<String, ApplicationPolicy> applications, RequestAuthority authority) {

        public Policies {
            applications = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(applications));
        }

        public DecisionCore core() {
            return new DecisionCore(applications, authority);
        }
    }

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();
    private static final Pattern NAME = Require.NAME;
    private static final Pattern OPERATOR_ID = Require.OPERATOR;
    /** Engine settings that mean nothing to a backtest; accepted so that an engine's file can be used as is. */
    private static final Set<String> ENGINE_ONLY = Set.of("commit-interval", "commit-on-output", "tick-interval",
            "state-dir");
    private static final Set<String> DECISION_KEYS = Set.of("request-signatures", "operators", "applications");
    private static final Set<String> SIGNATURE_KEYS = Set.of("required", "max-age", "max-clock-skew");
    private static final Set<String> OPERATOR_KEYS = Set.of("id", "roles", "public-key", "public-key-file");
    private static final Set<String> APPLICATION_KEYS = Set.of("id", "primary-region", "standby-region",
            "health-components", "alert-components", "quorum", "failure-threshold", "recovery-threshold", "stale-after",
            "mode", "hold-down", "max-failovers-per-window", "failover-window", "plan", "reprotect-plan",
            "step-timeout", "step-max-attempts", "retry-backoff", "parallel-steps", "two-person-rule", "vantages",
            "max-observation-skew", "proposal-timeout", "fence-timeout", "fence-retry-interval",
            "failover-drain-within", "degraded-not-a-target", "max-alert-witnesses", "failover-drain-max-backlog");

    private PolicyFile() {
    }

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

    /** Reads policy YAML; {@code baseDir} resolves relative key files (null: the working directory). */
    public static Policies read(String yaml, Path baseDir) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid YAML: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException("the policy file is empty");
        }
        JsonNode decision = root;
        if (root.isObject() && root.has("mrm")) {
            JsonNode mrm = root.get("mrm");
            decision = mrm.isObject() ? field(mrm, "decision") : null;
            if (decision == null) {
                throw new IllegalArgumentException("mrm: has no decision: section");
            }
        }
        Map<String, JsonNode> keys = object("mrm.decision", decision, DECISION_KEYS, ENGINE_ONLY);
        RequestAuthority authority = authority(keys.get("request-signatures"), keys.get("operators"), baseDir);
        JsonNode apps = keys.get("applications");
        if (apps == null || !apps.isArray() || apps.isEmpty()) {
            throw new IllegalArgumentException("mrm.decision.applications: must not be empty (one entry per application)");
        }
        Map<String, ApplicationPolicy> policies = new LinkedHashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            ApplicationPolicy policy = application(i, apps.get(i));
            if (policies.put(policy.applicationId(), policy) != null) {
                throw new IllegalArgumentException("mrm.decision.applications: id '" + policy.applicationId()
                        + "' appears twice");
            }
        }
        return new Policies(policies, authority);
    }

    // ---- reading --------------------------------------------------------------------------

    private static RequestAuthority authority(JsonNode signatures, JsonNode operatorList, Path baseDir) {
        String where = "mrm.decision.request-signatures";
        Map<String, JsonNode> keys = signatures == null ? Map.of() : object(where, signatures, SIGNATURE_KEYS, Set.of());
        boolean required = bool(where + ".required", keys.get("required"), true);
        Duration maxAge = duration(where + ".max-age", keys.get("max-age"), RequestAuthority.DEFAULT_MAX_AGE);
        Duration skew = duration(where + ".max-clock-skew", keys.get("max-clock-skew"),
                RequestAuthority.DEFAULT_MAX_CLOCK_SKEW);
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException(where + ".max-age must be positive");
        }
        if (skew.isNegative()) {
            throw new IllegalArgumentException(where + ".max-clock-skew must not be negative");
        }
        List<Operator> operators = new ArrayList<>();
        if (operatorList != null && !operatorList.isNull()) {
            if (!operatorList.isArray()) {
                throw new IllegalArgumentException("mrm.decision.operators: must be a list");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < operatorList.size(); i++) {
                Operator operator = operator(i, operatorList.get(i), baseDir);
                if (!seen.add(operator.id())) {
                    throw new IllegalArgumentException("mrm.decision.operators: id '" + operator.id()
                            + "' appears twice");
                }
                operators.add(operator);
            }
        }
        return new RequestAuthority(required, operators, maxAge, skew);
    }

    private static Operator operator(int index, JsonNode node, Path baseDir) {
        String at = "mrm.decision.operators[" + index + "]";
        Map<String, JsonNode> keys = object(at, node, OPERATOR_KEYS, Set.of());
        String id = text(at + ".id", keys.get("id"), null);
        if (id == null) {
            throw new IllegalArgumentException(at + ".id: must not be null");
        }
        matches(at + ".id", id, OPERATOR_ID);
        String where = "mrm.decision.operators[" + index + "] (" + id + ")";
        List<OperatorRole> roles = list(at + ".roles", keys.get("roles"), null,
                v -> enumValue(at + ".roles", v, OperatorRole.class));
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException(at + ".roles: must not be empty");
        }
        String key = text(at + ".public-key", keys.get("public-key"), null);
        String keyFile = text(at + ".public-key-file", keys.get("public-key-file"), null);
        boolean inline = key != null && !key.isBlank();
        boolean file = keyFile != null && !keyFile.isBlank();
        if (inline == file) {
            throw new IllegalArgumentException(where + ": set exactly one of public-key and public-key-file");
        }
        if (file) {
            Path path = baseDir == null ? Path.of(keyFile) : baseDir.resolve(keyFile);
            try {
                key = Files.readString(path);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(where + ": cannot read public-key-file " + keyFile + ": "
                        + e.getMessage());
            }
        }
        try {
            return new Operator(id, Set.copyOf(roles), key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static ApplicationPolicy application(int index, JsonNode node) {
        Map<String, JsonNode> keys = object("mrm.decision.applications[" + index + "]", node, APPLICATION_KEYS,
                Set.of());
        String rawId = text("mrm.decision.applications[" + index + "].id", keys.get("id"), null);
        if (rawId == null) {
            throw new IllegalArgumentException("mrm.decision.applications[" + index + "].id: must not be null");
        }
        String at = "mrm.decision.applications[" + rawId + "]";
        String id = matches(at + ".id", rawId, NAME);
        String primary = required(at + ".primary-region", keys.get("primary-region"));
        String standby = required(at + ".standby-region", keys.get("standby-region"));
        // the engine's defaults, where the file says nothing
        ApplicationPolicy d = ApplicationPolicy.defaults(id, primary, standby);
        List<String> health = list(at + ".health-components", keys.get("health-components"),
                List.copyOf(d.healthComponents()),
                v -> matches(at + ".health-components", v, NAME));
        if (health.isEmpty()) {
            throw new IllegalArgumentException(at + ".health-components: must not be empty");
        }
        List<String> alert = list(at + ".alert-components", keys.get("alert-components"),
                List.copyOf(d.alertComponents()), v -> matches(at + ".alert-components", v, NAME));
        int quorum = integer(at + ".quorum", keys.get("quorum"), d.quorum(), 1, 100);
        int failureThreshold = integer(at + ".failure-threshold", keys.get("failure-threshold"),
                d.failureThreshold(), 1, 100);
        int recoveryThreshold = integer(at + ".recovery-threshold", keys.get("recovery-threshold"),
                d.recoveryThreshold(), 1, 100);
        Duration staleAfter = duration(at + ".stale-after", keys.get("stale-after"), d.staleAfter());
        DecisionMode mode = keys.get("mode") == null ? d.mode()
                : enumValue(at + ".mode", scalar(at + ".mode", keys.get("mode")), DecisionMode.class);
        Duration holdDown = nonNegative(at + ".hold-down", duration(at + ".hold-down", keys.get("hold-down"),
                d.holdDown()));
        int maxFailovers = integer(at + ".max-failovers-per-window", keys.get("max-failovers-per-window"),
                d.maxFailoversPerWindow(), 1, 1000);
        Duration window = nonNegative(at + ".failover-window", duration(at + ".failover-window",
                keys.get("failover-window"), d.failoverWindow()));
        List<StepAction> plan = list(at + ".plan", keys.get("plan"), List.of(),
                v -> enumValue(at + ".plan", v, StepAction.class));
        if (plan.isEmpty()) {
            plan = d.plan();
        }
        List<StepAction> reprotect = list(at + ".reprotect-plan", keys.get("reprotect-plan"),
                d.reprotectPlan(), v -> enumValue(at + ".reprotect-plan", v, StepAction.class));
        Duration stepTimeout = duration(at + ".step-timeout", keys.get("step-timeout"), d.stepTimeout());
        if (stepTimeout.toMillis() < 1) {
            throw new IllegalArgumentException(at + ".step-timeout must be at least 1ms");
        }
        int attempts = integer(at + ".step-max-attempts", keys.get("step-max-attempts"), d.stepMaxAttempts(), 1, 20);
        Duration backoff = nonNegative(at + ".retry-backoff", duration(at + ".retry-backoff", keys.get("retry-backoff"),
                d.retryBackoff()));
        List<StepAction> parallel = list(at + ".parallel-steps", keys.get("parallel-steps"),
                List.copyOf(d.parallelSteps()), v -> enumValue(at + ".parallel-steps", v, StepAction.class));
        boolean twoPerson = bool(at + ".two-person-rule", keys.get("two-person-rule"), d.twoPersonRule());
        // required, as in the engine: observations from any other vantage are refused
        List<String> vantages = list(at + ".vantages", keys.get("vantages"), List.of(),
                v -> matches(at + ".vantages", v, NAME));
        if (vantages.isEmpty()) {
            throw new IllegalArgumentException(at + ".vantages: must name the vantage points (monitors) that watch "
                    + id + "; observations from any other are refused");
        }
        Duration skew = nonNegative(at + ".max-observation-skew", duration(at + ".max-observation-skew",
                keys.get("max-observation-skew"), d.maxObservationSkew()));
        Duration proposalTimeout = positive(at + ".proposal-timeout", duration(at + ".proposal-timeout",
                keys.get("proposal-timeout"), d.proposalTimeout()));
        Duration fenceTimeout = positive(at + ".fence-timeout", duration(at + ".fence-timeout",
                keys.get("fence-timeout"), d.fenceTimeout()));
        Duration fenceRetry = positive(at + ".fence-retry-interval", duration(at + ".fence-retry-interval",
                keys.get("fence-retry-interval"), d.fenceRetryInterval()));
        Duration drainWithin = nonNegative(at + ".failover-drain-within", duration(at + ".failover-drain-within",
                keys.get("failover-drain-within"), d.failoverDrainWithin()));
        List<String> degradedNotATarget = list(at + ".degraded-not-a-target", keys.get("degraded-not-a-target"),
                List.of(), v -> matches(at + ".degraded-not-a-target", v, NAME));
        for (String component : degradedNotATarget) {
            if (!health.contains(component) && !alert.contains(component)) {
                throw new IllegalArgumentException(at + ".degraded-not-a-target: '" + component + "' is neither in "
                        + "health-components nor in alert-components");
            }
        }
        int alertWitnesses = integer(at + ".max-alert-witnesses", keys.get("max-alert-witnesses"),
                d.maxAlertWitnesses(), 0, 100);
        Long maxBacklog = dataSize(at + ".failover-drain-max-backlog", keys.get("failover-drain-max-backlog"),
                d.failoverDrainMaxBacklogBytes());
        if (maxBacklog != null && maxBacklog < 1) {
            throw new IllegalArgumentException(at + ".failover-drain-max-backlog must be positive");
        }
        ApplicationPolicy.checkConsistent(at, primary, standby, health, alert, staleAfter, plan, parallel, vantages,
                quorum);
        return new ApplicationPolicy(id, primary, standby, Set.copyOf(health), Set.copyOf(alert), quorum,
                failureThreshold, recoveryThreshold, staleAfter, mode, holdDown, maxFailovers, window, plan, reprotect,
                stepTimeout, attempts, backoff, parallel.isEmpty() ? Set.of() : EnumSet.copyOf(parallel), twoPerson,
                Set.copyOf(vantages), skew, proposalTimeout, fenceTimeout, fenceRetry, drainWithin,
                Set.copyOf(degradedNotATarget), alertWitnesses, maxBacklog);
    }

    /**
     * The keys of an object, in canonical kebab-case (camelCase and snake_case are accepted as Spring
     * accepts them); an unknown key is an error that names it.
     */
    private static Map<String, JsonNode> object(String at, JsonNode node, Set<String> known, Set<String> ignored) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(at + ": must be a map of keys");
        }
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = kebab(e.getKey());
            if (ignored.contains(key)) {
                continue;
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException(at + ": unknown key '" + e.getKey() + "' (known: "
                        + known.stream().sorted().toList() + ")");
            }
            if (keys.put(key, e.getValue()) != null) {
                throw new IllegalArgumentException(at + ": key '" + key + "' is given twice");
            }
        }
        return keys;
    }

    private static JsonNode field(JsonNode object, String name) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (kebab(e.getKey()).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    static String kebab(String key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c == '_' ? '-' : c);
            }
        }
        return out.toString();
    }

    private static String scalar(String at, JsonNode node) {
        if (!node.isValueNode() || node.isNull()) {
            throw new IllegalArgumentException(at + ": must be a single value, was " + node);
        }
        return node.asText().trim();
    }

    private static String text(String at, JsonNode node, String otherwise) {
        return node == null || node.isNull() ? otherwise : scalar(at, node);
    }

    private static String required(String at, JsonNode node) {
        String value = text(at, node, null);
        if (value == null) {
            throw new IllegalArgumentException(at + ": must not be null");
        }
        return matches(at, value, NAME);
    }

    private static String matches(String at, String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(at + ": must match \"" + pattern.pattern() + "\", was '" + value + "'");
        }
        return value;
    }

    private static int integer(String at, JsonNode node, int otherwise, int min, int max) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else {
            try {
                value = Long.parseLong(scalar(at, node));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + ": '" + node.asText() + "' is not a whole number");
            }
        }
        if (value < min) {
            throw new IllegalArgumentException(at + ": must be greater than or equal to " + min + ", was " + value);
        }
        if (value > max) {
            throw new IllegalArgumentException(at + ": must be less than or equal to " + max + ", was " + value);
        }
        return (int) value;
    }

    private static boolean bool(String at, JsonNode node, boolean otherwise) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        String value = scalar(at, node).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(at + ": '" + node.asText() + "' is not true or false");
        };
    }

    /** Spring Boot's duration syntax: 500ms, 30s, 5m, 1h, 2d, a bare number of milliseconds, or ISO-8601 (PT30S). */
    static Duration duration(String at, JsonNode node, Duration otherwise) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        String value = scalar(at, node);
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": '" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, PT30S)");
        }
    }

    /** Spring's data size syntax (see {@link DataSizes}), in bytes. */
    private static Long dataSize(String at, JsonNode node, Long otherwise) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        String value = scalar(at, node);
        try {
            return DataSizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": '" + value + "' is not a data size (e.g. 512MB, 2GB, 1048576)");
        }
    }

    private static Duration nonNegative(String at, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(at + " must not be negative");
        }
        return value;
    }

    private static Duration positive(String at, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(at + " must be positive");
        }
        return value;
    }

    private static <E extends Enum<E>> E enumValue(String at, String value, Class<E> type) {
        String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normalized)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(at + ": '" + value + "' is not one of "
                + java.util.Arrays.toString(type.getEnumConstants()));
    }

    /** A YAML list, or a comma-separated string as Spring accepts it. */
    private static <T> List<T> list(String at, JsonNode node, List<T> otherwise, Function<String, T> element) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                values.add(scalar(at + "[" + i + "]", node.get(i)));
            }
        } else {
            String text = scalar(at, node);
            if (!text.isEmpty()) {
                for (String part : text.split(",")) {
                    values.add(part.trim());
                }
            }
        }
        return values.stream().map(element).toList();
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
        authority.operators().stream().sorted(Comparator.comparing(Operator::id)).forEach(o -> {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("id", o.id());
            op.put("roles", o.roles().stream().sorted().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
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
            app.put("plan", names(p.plan()));
            app.put("reprotect-plan", names(p.reprotectPlan()));
            app.put("step-timeout", format(p.stepTimeout()));
            app.put("step-max-attempts", p.stepMaxAttempts());
            app.put("retry-backoff", format(p.retryBackoff()));
            app.put("parallel-steps", p.parallelSteps().stream().sorted().map(Enum::name).toList());
            app.put("two-person-rule", p.twoPersonRule());
            app.put("vantages", p.vantages().stream().sorted().toList());
            app.put("max-observation-skew", format(p.maxObservationSkew()));
            app.put("proposal-timeout", format(p.proposalTimeout()));
            app.put("fence-timeout", format(p.fenceTimeout()));
            app.put("fence-retry-interval", format(p.fenceRetryInterval()));
            app.put("failover-drain-within", format(p.failoverDrainWithin()));
            app.put("degraded-not-a-target", p.degradedNotATarget().stream().sorted().toList());
            app.put("max-alert-witnesses", p.maxAlertWitnesses());
            if (p.failoverDrainMaxBacklogBytes() != null) {
                app.put("failover-drain-max-backlog", DataSizes.format(p.failoverDrainMaxBacklogBytes()));
            }
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
