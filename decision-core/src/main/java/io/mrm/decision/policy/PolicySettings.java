package io.mrm.decision.policy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.ReadinessPolicy;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.domain.StepSpec;
import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import io.mrm.events.text.Nearest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one definition of the decision policy settings under {@code mrm.decision}: a table of their keys, types,
 * defaults (those of {@link ApplicationPolicy#defaults} and {@link RequestAuthority}) and descriptions
 * ({@link #GROUPS}), and their checks. The engine reads its
 * configuration through it and mrmctl its policy files, so a setting means the same in both and both are
 * exactly as strict: an unknown key is an error naming the nearest known one.
 *
 * <p>It reads a tree of plain values, whatever parsed it: maps with string keys, lists (or maps of index to
 * entry, as Spring's binder gives them), and scalars (strings, numbers, booleans). Keys may be kebab-case,
 * camelCase, snake_case or lower case without separators, as Spring's relaxed binding accepts them. Files
 * (operators' {@code public-key-file}) are read by the function the caller hands in: this module does no I/O.
 */
public final class PolicySettings {

    /** Where the policy lives in the engine's configuration and in a policy file. */
    public static final String PREFIX = "mrm.decision";

    /** What the settings say: one policy per application, and who may send requests. */
    public record Policies(Map<String, ApplicationPolicy> applications, RequestAuthority authority) {

        public Policies {
            applications = Collections.unmodifiableMap(new LinkedHashMap<>(applications));
        }

        public DecisionCore core() {
            return new DecisionCore(applications, authority);
        }
    }

    private static final Pattern NAME = Require.NAME;
    private static final Pattern OPERATOR_ID = Require.OPERATOR;
    /**
     * The engine's own settings under the same prefix (its Kafka Streams tuning), read by the engine and not
     * part of a policy: accepted and skipped here, so that an engine's file can be backtested as it is.
     */
    public static final Set<String> ENGINE_KEYS =
            Set.of("commit-interval", "commit-on-output", "tick-interval", "state-dir");
    /** The policy's keys directly under {@value #PREFIX}. */
    public static final Set<String> DECISION_KEYS = Set.of("request-signatures", "operators", "applications");
    /**
     * One setting of the policy: its key (kebab-case, within its group), its type as users write and read it
     * (Integer, Duration, Boolean, DataSize, List&lt;String&gt;, an enum with its values), its default as written
     * in a file ({@code null}: none, the setting is required or absent means empty) and what it does, in one
     * line. deploy-check's configuration reference is rendered from these.
     */
    public record Setting(String key, String type, String defaultValue, String description) {

        public Setting {
            if (key == null
                    || key.isBlank()
                    || type == null
                    || type.isBlank()
                    || description == null
                    || description.isBlank()) {
                throw new IllegalArgumentException("a setting needs a key, a type and a description: " + key);
            }
        }
    }

    /** {@code request-signatures}: how operator requests are authenticated. */
    public static final List<Setting> SIGNATURE_SETTINGS = List.of(
            new Setting(
                    "required",
                    "Boolean",
                    "true",
                    "refuse unsigned requests (the default). Off only on a "
                            + "developer's machine: anyone who can write to the requests topic can then switch regions"),
            new Setting(
                    "max-age",
                    "Duration",
                    "5m",
                    "a signed request issued longer ago than this is refused as " + "expired"),
            new Setting(
                    "max-clock-skew",
                    "Duration",
                    "30s",
                    "a signed request issued further in the future than " + "this is refused"));

    /**
     * One of {@code operators}: who may send requests (public keys are not secrets, but a key file lets them
     * live in a mounted volume).
     */
    public static final List<Setting> OPERATOR_SETTINGS = List.of(
            new Setting("id", "String", null, "the id they sign as (mrmctl --operator)"),
            new Setting("roles", listOf(enumType(OperatorRole.class)), null, "viewer, operator, approver"),
            new Setting(
                    "public-key",
                    "String",
                    null,
                    "the Ed25519 public key: PEM, or the base64 line " + "`mrmctl keygen` prints"),
            new Setting("public-key-file", "String", null, "or a file holding it"));

    private static final String ACTIONS = listOf(enumType(StepAction.class));
    private static final String STEPS =
            "List<" + enumType(StepAction.class) + " or {action, hook, timeout, attempts, parallel}>";
    /** The keys of one step of {@code plan} / {@code forced-plan} written as a map. */
    public static final Set<String> STEP_KEYS = Set.of("action", "hook", "timeout", "attempts", "parallel");

    /**
     * One of {@code applications}: one application's policy. Defaults follow the figures users compare us with:
     * three failures in a row (Route 53), a quorum of two vantage points, one hour of hold-down (GitHub's
     * orchestrator), and three successes in a row before a region counts as up again. They are
     * {@link ApplicationPolicy#defaults}' (a test holds the two equal).
     */
    public static final List<Setting> APPLICATION_SETTINGS = List.of(
            new Setting("id", "String", null, "application id, the key of every record about it"),
            new Setting("primary-region", "String", null, "the region it normally runs in"),
            new Setting("standby-region", "String", null, "the region it fails over to"),
            new Setting("health-components", "List<String>", "app", "components whose failure makes a region down"),
            new Setting("alert-components", "List<String>", null, "components whose failure only raises an alert"),
            new Setting("quorum", "Integer", "2", "vantage points that must agree a component fails (or works)"),
            new Setting("failure-threshold", "Integer", "3", "consecutive failures a vantage point must see"),
            new Setting(
                    "recovery-threshold",
                    "Integer",
                    "3",
                    "consecutive successes before a component counts as " + "up again"),
            new Setting("stale-after", "Duration", "30s", "observations older than this count as unknown"),
            new Setting(
                    "mode",
                    enumType(DecisionMode.class),
                    "AUTOMATIC",
                    "AUTOMATIC executes; MANUAL proposes " + "and waits for approval"),
            new Setting("hold-down", "Duration", "1h", "no automatic failover for this long after one"),
            new Setting("max-failovers-per-window", "Integer", "2", "automatic failovers allowed per window"),
            new Setting("failover-window", "Duration", "24h", "that window"),
            new Setting(
                    "plan",
                    STEPS,
                    "EVENTS_SET_STANDBY,DATA_DRAIN,DATA_PROMOTE,EVENTS_SET_ACTIVE,DNS_ROUTE," + "DNS_VERIFY",
                    "the switch plan in order (the default: the graceful switchover). Each step is an action, or "
                            + "{action, hook, timeout, attempts, parallel}: hook names the hook a HOOK or PREFLIGHT_HOOK "
                            + "step runs, timeout and attempts override step-timeout and step-max-attempts for that "
                            + "step, parallel: true runs it together with the step before it (a parallel group). "
                            + "PREFLIGHT_HOOK steps come first"),
            new Setting(
                    "forced-plan",
                    STEPS,
                    null,
                    "the plan of a FORCED switch, written as plan is; no step may need the region left. Unset: "
                            + "plan without the steps that need the region left"),
            new Setting(
                    "reprotect-plan",
                    ACTIONS,
                    "DATA_REPROTECT",
                    "actions run first on failback to restore " + "replication"),
            new Setting("step-timeout", "Duration", "60s", "how long one step attempt may take"),
            new Setting("step-max-attempts", "Integer", "3", "attempts per step before the plan pauses"),
            new Setting("retry-backoff", "Duration", "2s", "pause before a retry; doubles with each further attempt"),
            new Setting("parallel-steps", ACTIONS, null, "plan actions that run together with the step before them"),
            new Setting(
                    "two-person-rule",
                    "Boolean",
                    "false",
                    "a manual failover or failback is only proposed; a "
                            + "second person with the approver role must approve it (nobody approves their own)"),
            new Setting(
                    "vantages",
                    "List<String>",
                    null,
                    "the vantage points (health-monitor instances, "
                            + "mrm.health.vantage) that watch this application; observations from any other are "
                            + "dead-lettered"),
            new Setting(
                    "max-observation-skew",
                    "Duration",
                    "5s",
                    "an observation stamped further ahead of the "
                            + "engine's clock is dead-lettered and its monitor alerted"),
            new Setting(
                    "proposal-timeout",
                    "Duration",
                    "30m",
                    "a proposal nobody approved or rejected within this " + "expires"),
            new Setting(
                    "fence-timeout",
                    "Duration",
                    "10s",
                    "how long the best-effort fence of the region a forced "
                            + "failover leaves may take (it never delays the switch)"),
            new Setting(
                    "fence-retry-interval",
                    "Duration",
                    "30s",
                    "how often a fence that has not succeeded yet is " + "tried again"),
            new Setting(
                    "failover-drain-within",
                    "Duration",
                    "30s",
                    "an automatic failover first tries the graceful "
                            + "path (the region it leaves demoted, drained and fenced) for at most this long (counted from "
                            + "when its pre-flight hooks are done), then falls back to forced; 0s: forced at once"),
            new Setting(
                    "degraded-not-a-target",
                    "List<String>",
                    null,
                    "components (health or alert) whose "
                            + "DEGRADED, seen by a quorum, makes a region no failover target (blocked by STANDBY_HEALTHY)"),
            new Setting(
                    "max-alert-witnesses",
                    "Integer",
                    "1",
                    "alert webhooks that may count towards the quorum "
                            + "together (default 1: one webhook credential is never a quorum by itself)"),
            new Setting(
                    "failover-drain-max-backlog",
                    "DataSize",
                    null,
                    "the largest backlog an automatic "
                            + "failover's graceful try drains (e.g. 512MB): a standby further behind at the start of the "
                            + "drain falls back to forced at once; unset (the default): no bound. Operator-requested "
                            + "switches are not bounded"),
            new Setting(
                    "readiness.required",
                    "Boolean",
                    "true",
                    "an automatic failover towards a region an actuator's read-only check says it "
                            + "cannot switch to (NOT_READY) is not decided, and a manual switch there is refused unless "
                            + "it overrides TARGET_READY; false: readiness is only shown"),
            new Setting("readiness.max-age", "Duration", "5m", "a readiness check older than this counts as UNKNOWN"),
            new Setting(
                    "readiness.unknown-blocks",
                    "Boolean",
                    "false",
                    "an UNKNOWN target (a check that could not tell, is stale, or an actuator of the "
                            + "plan that has not reported) blocks too; by default the failover proceeds and the "
                            + "decision says so"));

    /**
     * Each group of settings by where its keys sit under {@value #PREFIX}: {@code request-signatures.<key>},
     * {@code operators[*].<key>} and {@code applications[*].<key>} ({@code [*]}: each element of the list).
     */
    public static final Map<String, List<Setting>> GROUPS = groups();

    /** The keys of {@code request-signatures}. */
    public static final Set<String> SIGNATURE_KEYS = keys(SIGNATURE_SETTINGS);
    /** The keys of one of {@code operators}. */
    public static final Set<String> OPERATOR_KEYS = keys(OPERATOR_SETTINGS);
    /** The keys of one of {@code applications}. */
    public static final Set<String> APPLICATION_KEYS = keys(APPLICATION_SETTINGS);

    private static Map<String, List<Setting>> groups() {
        Map<String, List<Setting>> groups = new LinkedHashMap<>();
        groups.put("request-signatures", SIGNATURE_SETTINGS);
        groups.put("operators[*]", OPERATOR_SETTINGS);
        groups.put("applications[*]", APPLICATION_SETTINGS);
        return Collections.unmodifiableMap(groups);
    }

    private static Set<String> keys(List<Setting> settings) {
        Set<String> keys = new LinkedHashSet<>();
        for (Setting setting : settings) {
            if (!keys.add(setting.key())) {
                throw new IllegalStateException("setting " + setting.key() + " is declared twice");
            }
        }
        return Collections.unmodifiableSet(keys);
    }

    /** An enum's type as users see it: its name and the values it takes. */
    private static String enumType(Class<? extends Enum<?>> type) {
        StringBuilder out = new StringBuilder(type.getSimpleName()).append(':');
        for (Enum<?> constant : type.getEnumConstants()) {
            out.append(out.charAt(out.length() - 1) == ':' ? " " : ", ").append(constant.name());
        }
        return out.toString();
    }

    private static String listOf(String elementType) {
        return "List<" + elementType + ">";
    }

    private PolicySettings() {}

    /**
     * Reads the settings under {@value #PREFIX} (the map holds what is under it, not the prefix itself).
     *
     * @param keyFiles reads an operator's {@code public-key-file} by the name the settings give it
     * @throws IllegalArgumentException naming the key, when a key is unknown or a value is missing or bad
     */
    public static Policies read(Map<String, ?> decision, Function<String, String> keyFiles) {
        return new Policies(applications(decision), authority(decision, keyFiles));
    }

    /** The applications' policies alone (reads no file); the same checks as {@link #read}. */
    public static Map<String, ApplicationPolicy> applications(Map<String, ?> decision) {
        Map<String, Object> keys = object(PREFIX, decision, DECISION_KEYS, ENGINE_KEYS);
        Object apps = keys.get("applications");
        List<Object> entries = apps == null ? List.of() : entries("mrm.decision.applications", apps);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(
                    "mrm.decision.applications: must not be empty (one entry per application)");
        }
        Map<String, ApplicationPolicy> policies = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            ApplicationPolicy policy = application(i, entries.get(i));
            if (policies.put(policy.applicationId(), policy) != null) {
                throw new IllegalArgumentException(
                        "mrm.decision.applications: id '" + policy.applicationId() + "' appears twice");
            }
        }
        return policies;
    }

    /** Who may send requests (reads the operators' key files through {@code keyFiles}). */
    public static RequestAuthority authority(Map<String, ?> decision, Function<String, String> keyFiles) {
        Map<String, Object> keys = object(PREFIX, decision, DECISION_KEYS, ENGINE_KEYS);
        return authority(keys.get("request-signatures"), keys.get("operators"), keyFiles);
    }

    /** A key no setting takes, in full ({@code mrm.decision.applications[0].failure-treshold}), and the nearest. */
    public record UnknownKey(String key, String nearest) {}

    /**
     * Every unknown key in the settings, without checking any value: for a host that reports misspelt keys
     * before anything else (the engine does so with its other unknown settings, at start-up).
     */
    public static List<UnknownKey> unknownKeys(Map<String, ?> decision) {
        List<UnknownKey> unknown = new ArrayList<>();
        Map<String, Object> top = known(PREFIX, decision, DECISION_KEYS, ENGINE_KEYS, unknown);
        if (top.get("request-signatures") instanceof Map<?, ?> signatures) {
            known(PREFIX + ".request-signatures", signatures, SIGNATURE_KEYS, Set.of(), unknown);
        }
        for (String list : List.of("operators", "applications")) {
            Object node = top.get(list);
            if (node instanceof List<?> || node instanceof Map<?, ?>) {
                List<Object> entries = entries(PREFIX + "." + list, node);
                for (int i = 0; i < entries.size(); i++) {
                    Object element = list.equals("applications") ? flattened(entries.get(i)) : entries.get(i);
                    if (element instanceof Map<?, ?> entry) {
                        Map<String, Object> keys = known(
                                PREFIX + "." + list + "[" + i + "]",
                                entry,
                                list.equals("operators") ? OPERATOR_KEYS : APPLICATION_KEYS,
                                Set.of(),
                                unknown);
                        for (String plan : List.of("plan", "forced-plan")) {
                            Object steps = keys.get(plan);
                            if (steps instanceof List<?> || steps instanceof Map<?, ?>) {
                                List<Object> stepEntries = entries(PREFIX + "." + list + "[" + i + "]." + plan, steps);
                                for (int j = 0; j < stepEntries.size(); j++) {
                                    if (stepEntries.get(j) instanceof Map<?, ?> step) {
                                        known(
                                                PREFIX + "." + list + "[" + i + "]." + plan + "[" + j + "]",
                                                step,
                                                STEP_KEYS,
                                                Set.of(),
                                                unknown);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return unknown;
    }

    private static RequestAuthority authority(
            Object signatures, Object operatorList, Function<String, String> keyFiles) {
        String where = "mrm.decision.request-signatures";
        Map<String, Object> keys = signatures == null ? Map.of() : object(where, signatures, SIGNATURE_KEYS, Set.of());
        boolean required = bool(where + ".required", keys.get("required"), true);
        Duration maxAge = duration(where + ".max-age", keys.get("max-age"), RequestAuthority.DEFAULT_MAX_AGE);
        Duration skew = duration(
                where + ".max-clock-skew", keys.get("max-clock-skew"), RequestAuthority.DEFAULT_MAX_CLOCK_SKEW);
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException(where + ".max-age must be positive");
        }
        if (skew.isNegative()) {
            throw new IllegalArgumentException(where + ".max-clock-skew must not be negative");
        }
        List<Operator> operators = new ArrayList<>();
        if (operatorList != null) {
            List<Object> entries = entries("mrm.decision.operators", operatorList);
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < entries.size(); i++) {
                Operator operator = operator(i, entries.get(i), keyFiles);
                if (!seen.add(operator.id())) {
                    throw new IllegalArgumentException(
                            "mrm.decision.operators: id '" + operator.id() + "' appears twice");
                }
                operators.add(operator);
            }
        }
        return new RequestAuthority(required, operators, maxAge, skew);
    }

    private static Operator operator(int index, Object node, Function<String, String> keyFiles) {
        String at = "mrm.decision.operators[" + index + "]";
        Map<String, Object> keys = object(at, node, OPERATOR_KEYS, Set.of());
        String id = text(at + ".id", keys.get("id"), null);
        if (id == null) {
            throw new IllegalArgumentException(at + ".id: must not be null");
        }
        matches(at + ".id", id, OPERATOR_ID);
        String where = "mrm.decision.operators[" + index + "] (" + id + ")";
        List<OperatorRole> roles =
                list(at + ".roles", keys.get("roles"), null, v -> enumValue(at + ".roles", v, OperatorRole.class));
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
            try {
                key = keyFiles.apply(keyFile);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        where + ": cannot read public-key-file " + keyFile + ": " + e.getMessage());
            }
        }
        try {
            return new Operator(id, Set.copyOf(roles), key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /** Groups of application settings written as a map of their own ({@code readiness: {max-age: 5m}}). */
    private static final Set<String> NESTED_GROUPS = Set.of("readiness");

    /**
     * An application's entry with its nested groups flattened to dotted keys ({@code readiness.max-age}), as
     * the table names them; a nested group that is not a map is left as it is (and refused as unknown).
     */
    private static Object flattened(Object node) {
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        Map<Object, Object> flat = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (NESTED_GROUPS.contains(uniform(key)) && e.getValue() instanceof Map<?, ?> group) {
                group.forEach((k, v) -> flat.put(key + "." + k, v));
            } else {
                flat.put(e.getKey(), e.getValue());
            }
        }
        return flat;
    }

    private static ApplicationPolicy application(int index, Object raw) {
        Object node = flattened(raw);
        Map<String, Object> keys = object("mrm.decision.applications[" + index + "]", node, APPLICATION_KEYS, Set.of());
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
        List<String> health = list(
                at + ".health-components",
                keys.get("health-components"),
                List.copyOf(d.healthComponents()),
                v -> matches(at + ".health-components", v, NAME));
        if (health.isEmpty()) {
            throw new IllegalArgumentException(at + ".health-components: must not be empty");
        }
        List<String> alert = list(
                at + ".alert-components",
                keys.get("alert-components"),
                List.copyOf(d.alertComponents()),
                v -> matches(at + ".alert-components", v, NAME));
        int quorum = integer(at + ".quorum", keys.get("quorum"), d.quorum(), 1, 100);
        int failureThreshold =
                integer(at + ".failure-threshold", keys.get("failure-threshold"), d.failureThreshold(), 1, 100);
        int recoveryThreshold =
                integer(at + ".recovery-threshold", keys.get("recovery-threshold"), d.recoveryThreshold(), 1, 100);
        Duration staleAfter = duration(at + ".stale-after", keys.get("stale-after"), d.staleAfter());
        DecisionMode mode = keys.get("mode") == null
                ? d.mode()
                : enumValue(at + ".mode", scalar(at + ".mode", keys.get("mode")), DecisionMode.class);
        Duration holdDown =
                nonNegative(at + ".hold-down", duration(at + ".hold-down", keys.get("hold-down"), d.holdDown()));
        int maxFailovers = integer(
                at + ".max-failovers-per-window",
                keys.get("max-failovers-per-window"),
                d.maxFailoversPerWindow(),
                1,
                1000);
        Duration window = nonNegative(
                at + ".failover-window",
                duration(at + ".failover-window", keys.get("failover-window"), d.failoverWindow()));
        List<StepAction> reprotect = list(
                at + ".reprotect-plan",
                keys.get("reprotect-plan"),
                d.reprotectPlan(),
                v -> enumValue(at + ".reprotect-plan", v, StepAction.class));
        Duration stepTimeout = duration(at + ".step-timeout", keys.get("step-timeout"), d.stepTimeout());
        if (stepTimeout.toMillis() < 1) {
            throw new IllegalArgumentException(at + ".step-timeout must be at least 1ms");
        }
        int attempts = integer(at + ".step-max-attempts", keys.get("step-max-attempts"), d.stepMaxAttempts(), 1, 20);
        Duration backoff = nonNegative(
                at + ".retry-backoff", duration(at + ".retry-backoff", keys.get("retry-backoff"), d.retryBackoff()));
        List<StepAction> parallel = list(
                at + ".parallel-steps",
                keys.get("parallel-steps"),
                List.copyOf(d.parallelSteps()),
                v -> enumValue(at + ".parallel-steps", v, StepAction.class));
        List<StepSpec> steps = steps(at + ".plan", keys.get("plan"), parallel);
        if (steps.isEmpty()) {
            steps = StepSpec.of(d.plan(), parallel);
        }
        List<StepAction> plan = StepSpec.actions(steps);
        List<StepSpec> forcedSteps =
                keys.get("forced-plan") == null ? null : steps(at + ".forced-plan", keys.get("forced-plan"), parallel);
        if (forcedSteps != null && forcedSteps.isEmpty()) {
            throw new IllegalArgumentException(at + ".forced-plan: must not be empty (leave it out to derive it)");
        }
        boolean twoPerson = bool(at + ".two-person-rule", keys.get("two-person-rule"), d.twoPersonRule());
        // required, as in the engine: observations from any other vantage are refused
        List<String> vantages =
                list(at + ".vantages", keys.get("vantages"), List.of(), v -> matches(at + ".vantages", v, NAME));
        if (vantages.isEmpty()) {
            throw new IllegalArgumentException(at + ".vantages: must name the vantage points (monitors) that watch "
                    + id + "; observations from any other are refused");
        }
        Duration skew = nonNegative(
                at + ".max-observation-skew",
                duration(at + ".max-observation-skew", keys.get("max-observation-skew"), d.maxObservationSkew()));
        Duration proposalTimeout = positive(
                at + ".proposal-timeout",
                duration(at + ".proposal-timeout", keys.get("proposal-timeout"), d.proposalTimeout()));
        Duration fenceTimeout = positive(
                at + ".fence-timeout", duration(at + ".fence-timeout", keys.get("fence-timeout"), d.fenceTimeout()));
        Duration fenceRetry = positive(
                at + ".fence-retry-interval",
                duration(at + ".fence-retry-interval", keys.get("fence-retry-interval"), d.fenceRetryInterval()));
        Duration drainWithin = nonNegative(
                at + ".failover-drain-within",
                duration(at + ".failover-drain-within", keys.get("failover-drain-within"), d.failoverDrainWithin()));
        List<String> degradedNotATarget = list(
                at + ".degraded-not-a-target",
                keys.get("degraded-not-a-target"),
                List.of(),
                v -> matches(at + ".degraded-not-a-target", v, NAME));
        for (String component : degradedNotATarget) {
            if (!health.contains(component) && !alert.contains(component)) {
                throw new IllegalArgumentException(at + ".degraded-not-a-target: '" + component + "' is neither in "
                        + "health-components nor in alert-components");
            }
        }
        int alertWitnesses =
                integer(at + ".max-alert-witnesses", keys.get("max-alert-witnesses"), d.maxAlertWitnesses(), 0, 100);
        Long maxBacklog = dataSize(
                at + ".failover-drain-max-backlog",
                keys.get("failover-drain-max-backlog"),
                d.failoverDrainMaxBacklogBytes());
        if (maxBacklog != null && maxBacklog < 1) {
            throw new IllegalArgumentException(at + ".failover-drain-max-backlog must be positive");
        }
        boolean readinessRequired = bool(
                at + ".readiness.required",
                keys.get("readiness.required"),
                d.readiness().required());
        Duration readinessMaxAge = positive(
                at + ".readiness.max-age",
                duration(
                        at + ".readiness.max-age",
                        keys.get("readiness.max-age"),
                        d.readiness().maxAge()));
        boolean unknownBlocks = bool(
                at + ".readiness.unknown-blocks",
                keys.get("readiness.unknown-blocks"),
                d.readiness().unknownBlocks());
        ApplicationPolicy.checkConsistent(
                at, primary, standby, health, alert, staleAfter, plan, parallel, vantages, quorum);
        StepSpec.check(at + ".plan", steps, false);
        if (forcedSteps != null) {
            StepSpec.check(at + ".forced-plan", forcedSteps, true);
        }
        if (reprotect.stream().anyMatch(StepAction::runsHook)) {
            throw new IllegalArgumentException(
                    at + ".reprotect-plan: hooks belong in plan (a failback runs the plan after re-protecting)");
        }
        return new ApplicationPolicy(
                id,
                primary,
                standby,
                Set.copyOf(health),
                Set.copyOf(alert),
                quorum,
                failureThreshold,
                recoveryThreshold,
                staleAfter,
                mode,
                holdDown,
                maxFailovers,
                window,
                plan,
                reprotect,
                stepTimeout,
                attempts,
                backoff,
                parallel.isEmpty() ? Set.of() : EnumSet.copyOf(parallel),
                twoPerson,
                Set.copyOf(vantages),
                skew,
                proposalTimeout,
                fenceTimeout,
                fenceRetry,
                drainWithin,
                Set.copyOf(degradedNotATarget),
                alertWitnesses,
                maxBacklog,
                new ReadinessPolicy(readinessRequired, readinessMaxAge, unknownBlocks),
                steps,
                forcedSteps);
    }

    /**
     * A plan: each entry an action name, or a map of {@link #STEP_KEYS}; a comma-separated string of actions as
     * Spring accepts it. Actions in {@code parallel-steps} written by name run with the step before them.
     */
    private static List<StepSpec> steps(String at, Object node, Collection<StepAction> parallelSteps) {
        if (node == null) {
            return List.of();
        }
        List<Object> entries = new ArrayList<>();
        if (node instanceof List<?> || node instanceof Map<?, ?>) {
            entries.addAll(entries(at, node));
        } else {
            String text = scalar(at, node);
            if (!text.isEmpty()) {
                for (String part : text.split(",")) {
                    entries.add(part.trim());
                }
            }
        }
        List<StepSpec> steps = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = at + "[" + i + "]";
            Object entry = entries.get(i);
            try {
                if (entry instanceof Map<?, ?>) {
                    Map<String, Object> keys = object(where, entry, STEP_KEYS, Set.of());
                    if (keys.get("action") == null) {
                        throw new IllegalArgumentException(where + ".action: must not be null (e.g. action: HOOK)");
                    }
                    StepAction action = enumValue(
                            where + ".action", scalar(where + ".action", keys.get("action")), StepAction.class);
                    String hook = text(where + ".hook", keys.get("hook"), null);
                    if (hook != null) {
                        matches(where + ".hook", hook, NAME);
                    }
                    Duration timeout = keys.get("timeout") == null
                            ? null
                            : positive(where + ".timeout", duration(where + ".timeout", keys.get("timeout"), null));
                    Integer attempts = keys.get("attempts") == null
                            ? null
                            : integer(where + ".attempts", keys.get("attempts"), 1, 1, 20);
                    boolean parallel = bool(where + ".parallel", keys.get("parallel"), false);
                    steps.add(new StepSpec(action, hook, timeout, attempts, parallel));
                } else {
                    StepAction action = enumValue(where, scalar(where, entry), StepAction.class);
                    steps.add(new StepSpec(action, null, null, null, i > 0 && parallelSteps.contains(action)));
                }
            } catch (IllegalArgumentException e) {
                throw e.getMessage() != null && e.getMessage().startsWith(at)
                        ? e
                        : new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return steps;
    }

    // ---- the tree ------------------------------------------------------------------------

    /**
     * The keys of a map, canonical (kebab-case); an unknown key is an error that names it and the nearest
     * known key, in the words of the services' unknown-settings check.
     */
    private static Map<String, Object> object(String at, Object node, Set<String> known, Set<String> skipped) {
        if (!(node instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(at + ": must be a map of keys, was " + describe(node));
        }
        List<UnknownKey> unknown = new ArrayList<>();
        Map<String, Object> keys = known(at, map, known, skipped, unknown);
        if (!unknown.isEmpty()) {
            UnknownKey first = unknown.get(0);
            throw new IllegalArgumentException(first.key() + " is not a setting; did you mean " + first.nearest()
                    + "? (known here: " + known.stream().sorted().toList() + ")");
        }
        return keys;
    }

    /** The known keys of a map, canonical (kebab-case); adds the unknown ones to {@code unknown}. */
    private static Map<String, Object> known(
            String at, Map<?, ?> map, Set<String> known, Set<String> skipped, List<UnknownKey> unknown) {
        Map<String, String> canonical = new LinkedHashMap<>();
        known.forEach(k -> canonical.put(uniform(k), k));
        Set<String> skippedUniform = new LinkedHashSet<>();
        skipped.forEach(k -> skippedUniform.add(uniform(k)));
        Map<String, Object> keys = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String typed = String.valueOf(e.getKey());
            String u = uniform(typed);
            if (skippedUniform.contains(u)) {
                continue;
            }
            String key = canonical.get(u);
            if (key == null) {
                unknown.add(new UnknownKey(
                        at + "." + typed, at + "." + Nearest.of(typed, known).orElseThrow()));
            } else if (keys.put(key, e.getValue()) != null) {
                throw new IllegalArgumentException(at + ": key '" + key + "' is given twice");
            }
        }
        return keys;
    }

    /** Lower case without separators: how Spring's relaxed binding compares keys. */
    static String uniform(String key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /** A list, or a map of index to entry (Spring's binder gives indexed keys so): its entries in order. */
    private static List<Object> entries(String at, Object node) {
        if (node instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        if (node instanceof Map<?, ?> map) {
            TreeMap<Integer, Object> byIndex = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String index = String.valueOf(e.getKey());
                if (!index.matches("\\d{1,9}")) {
                    throw new IllegalArgumentException(at + ": must be a list, has key '" + index + "'");
                }
                if (byIndex.put(Integer.parseInt(index), e.getValue()) != null) {
                    throw new IllegalArgumentException(at + ": index " + Integer.parseInt(index) + " is given twice");
                }
            }
            // a gap (a deleted or misnumbered entry) would renumber what follows; Spring's binder refuses it too
            int expected = 0;
            for (int index : byIndex.keySet()) {
                if (index != expected) {
                    throw new IllegalArgumentException(at + "[" + expected + "] is missing, but " + at + "[" + index
                            + "] is given: number the" + " entries 0, 1, 2, ... without a gap");
                }
                expected++;
            }
            return new ArrayList<>(byIndex.values());
        }
        if (node instanceof String s && s.isBlank()) {
            return List.of();
        }
        throw new IllegalArgumentException(at + ": must be a list, was " + describe(node));
    }

    private static String describe(Object node) {
        return node instanceof Collection<?> || node instanceof Map<?, ?>
                ? node.getClass().getSimpleName() + " " + node
                : "'" + node + "'";
    }

    private static String scalar(String at, Object node) {
        if (node == null || node instanceof Map<?, ?> || node instanceof Collection<?>) {
            throw new IllegalArgumentException(at + ": must be a single value, was " + node);
        }
        return String.valueOf(node).trim();
    }

    private static int integer(String at, Object node, int otherwise, int min, int max) {
        if (node == null) {
            return otherwise;
        }
        long value;
        if (node instanceof Integer || node instanceof Long || node instanceof Short || node instanceof Byte) {
            value = ((Number) node).longValue();
        } else {
            try {
                value = Long.parseLong(scalar(at, node));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + ": '" + node + "' is not a whole number");
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

    /** A list, or a comma-separated string as Spring accepts it. */
    private static <T> List<T> list(String at, Object node, List<T> otherwise, Function<String, T> element) {
        if (node == null) {
            return otherwise;
        }
        List<String> values = new ArrayList<>();
        if (node instanceof List<?> || node instanceof Map<?, ?>) {
            List<Object> entries = entries(at, node);
            for (int i = 0; i < entries.size(); i++) {
                values.add(scalar(at + "[" + i + "]", entries.get(i)));
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

    private static String text(String at, Object node, String otherwise) {
        return node == null ? otherwise : scalar(at, node);
    }

    private static String required(String at, Object node) {
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

    private static boolean bool(String at, Object node, boolean otherwise) {
        if (node == null) {
            return otherwise;
        }
        String value = scalar(at, node).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(at + ": '" + String.valueOf(node) + "' is not true or false");
        };
    }

    private static Duration duration(String at, Object node, Duration otherwise) {
        if (node == null) {
            return otherwise;
        }
        String value = scalar(at, node);
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    at + ": '" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, PT30S)");
        }
    }

    private static Long dataSize(String at, Object node, Long otherwise) {
        if (node == null) {
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
        throw new IllegalArgumentException(
                at + ": '" + value + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
}
