package io.mrm.mrmctl;

import io.mrm.events.MrmService;
import io.mrm.events.Require;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventJson;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.mrmctl.adapter.MrmKafka;
import io.mrm.mrmctl.domain.ExitCodes;
import io.mrm.mrmctl.domain.PlanProgress;
import io.mrm.mrmctl.domain.TimeArgument;
import io.mrm.mrmctl.domain.StatusView;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.operator.RequestSigning;
import io.mrm.mrmctl.adapter.ContextsFile;
import io.mrm.mrmctl.adapter.KeyFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The operators' command-line tool: reads the topology topic and sends requests to the decision engine. */
@Command(name = "mrmctl", mixinStandardHelpOptions = true, version = "mrmctl 0.1.0",
        description = "Shows and steers MRM's failover control plane through its Kafka topics.",
        subcommands = {CommandLine.HelpCommand.class, AuditCommand.class, ReplayCommand.class, ConfigCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:accepted / ok",
                "1:error: bad input or Kafka unreachable",
                "2:rejected by the decision engine (reason printed)",
                "3:timed out waiting (--timeout)",
                "4:the followed plan paused on a failed step",
                "5:replay did not reproduce the recorded outputs"},
        footerHeading = "%nSigned requests:%n",
        footer = {"Every request is signed with --key (Ed25519, from `mrmctl keygen`) as --operator, for the Kafka",
                "cluster it is sent to. The engine refuses unsigned, forged, expired (over 5 minutes old) and",
                "replayed requests, requests signed for another cluster, and requests the operator's role does",
                "not allow, with an alert."})
public final class Mrmctl {

    public enum Output { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:MRMCTL_CONFIG}",
            description = "mrmctl's contexts file (default: env MRMCTL_CONFIG, else ~/.config/mrmctl/config.yaml "
                    + "when it exists). See `mrmctl config --help`.")
    Path configFile;

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "The context of the contexts file to use (default: its current-context). Options given "
                    + "on the command line win over the context's settings, and those over the environment's.")
    String contextName;

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:MRM_KAFKA_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers (default: env MRM_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--command-config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:MRM_KAFKA_COMMAND_CONFIG}",
            description = "Kafka client properties for a secured cluster (security.protocol, sasl.*, ssl.*), as Kafka's "
                    + "own tools take them; readable by its owner only (default: env MRM_KAFKA_COMMAND_CONFIG).")
    String commandConfig;

    @Option(names = "--topic-prefix", scope = ScopeType.INHERIT, defaultValue = TopicNames.DEFAULT_PREFIX,
            description = "Prefix of MRM's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--operator", scope = ScopeType.INHERIT, defaultValue = "${env:MRM_OPERATOR}",
            description = "Who asks, recorded with each request (default: env MRM_OPERATOR).")
    String operator;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:MRM_OPERATOR_KEY_FILE}",
            description = "The operator's Ed25519 private key (PEM, from `mrmctl keygen`); every request is signed "
                    + "with it (default: env MRM_OPERATOR_KEY_FILE). Without it requests go unsigned, which the "
                    + "engine refuses unless configured not to.")
    Path keyFile;

    @Option(names = "--output", scope = ScopeType.INHERIT, defaultValue = "text",
            description = "text or json (one JSON object per command; default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "60s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Longest wait for Kafka and for the engine's answer, e.g. 30s, 2m, 500ms (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-wait", scope = ScopeType.INHERIT,
            description = "Publish the request and exit 0 without waiting for the engine's answer.")
    boolean noWait;

    private final Supplier<Instant> clock;
    /** Set by {@code sign}: write the signed request here instead of publishing it. */
    private Path signOnlyTo;
    /** Set by {@code sign}: the Kafka cluster to sign for (else the one --bootstrap-servers belongs to). */
    private String signForCluster;
    /** The contexts file read when neither --config nor MRMCTL_CONFIG names one (null: none). */
    private final Path defaultConfig;
    /** The context in use, once the contexts file has been applied (null: none). */
    private ContextsFile.Context context;
    /** Set once the contexts file has been applied (a nested run, as sign's, takes the resolved settings). */
    private boolean contextsApplied;
    /** How the key was named, for messages: --key, or the context's key. */
    private String keyLabel = "--key";

    /** mrmctl as operators run it: the contexts file in ~/.config/mrmctl (or $XDG_CONFIG_HOME) applies. */
    public Mrmctl() {
        this(Instant::now, ContextsFile.defaultLocation(System.getenv(), System.getProperty("user.home")));
    }

    Mrmctl(Supplier<Instant> clock) {
        this(clock, null);
    }

    /** @param defaultConfig the contexts file when none is named (null: none unless named) */
    Mrmctl(Supplier<Instant> clock, Path defaultConfig) {
        this.clock = clock;
        this.defaultConfig = defaultConfig;
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine(new Mrmctl());
        // nothing read from the bus reaches the terminal as a control sequence
        cli.setOut(new java.io.PrintWriter(new io.mrm.mrmctl.adapter.TerminalSafeWriter(
                new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8)), true));
        cli.setErr(new java.io.PrintWriter(new io.mrm.mrmctl.adapter.TerminalSafeWriter(
                new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8)), true));
        System.exit(cli.execute(args));
    }

    /**
     * Runs mrmctl in this JVM with its output going to the given writers (the sandbox uses it); returns the exit
     * code. The operator's own contexts file is not read unless --config (or MRMCTL_CONFIG) names it: an
     * embedding program says what it means.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(new Mrmctl(Instant::now, null));
        cli.setOut(new PrintWriter(new io.mrm.mrmctl.adapter.TerminalSafeWriter(out), true));
        cli.setErr(new PrintWriter(new io.mrm.mrmctl.adapter.TerminalSafeWriter(err), true));
        return cli.execute(args);
    }

    /** The command line with mrmctl's exit codes and error handling (tests use it with their own writers). */
    static CommandLine commandLine(Mrmctl mrmctl) {
        CommandLine cli = new CommandLine(mrmctl).setCaseInsensitiveEnumValuesAllowed(true);
        // everything after the request's name belongs to the request, options included
        cli.getSubcommands().get("sign").setStopAtPositional(true);
        useErrorCodes(cli);
        // the contexts file fills in what the command line did not say, before any command runs
        cli.setExecutionStrategy(parsed -> {
            mrmctl.applyContext(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            // the message and a pointer to help: a full usage text would bury the one line that matters
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("mrmctl: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.ERROR;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            // expected failures print one line, never a stack trace
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String refusal = brokerRefusal(e);
            if (refusal != null) {
                message = message + "; " + refusal;
            }
            failed.getErr().println("mrmctl: " + message);
            if (mrmctl.output == Output.json) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("command", failed.getCommandName());
                json.put("result", "error");
                json.put("error", message);
                json.put("exitCode", ExitCodes.ERROR);
                mrmctl.printJson(json);
            }
            return ExitCodes.ERROR;
        });
        return cli;
    }

    /**
     * What the broker refused, when that is why a command failed: the Kafka client reports it under
     * a generic error ("... in an error state"), which would leave the operator guessing.
     */
    static String brokerRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthorizationException
                    || t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                String kind = t instanceof org.apache.kafka.common.errors.AuthorizationException
                        ? "not authorized" : "could not authenticate";
                return "the Kafka broker refused this principal (" + kind + "): " + t.getMessage()
                        + " — check the client settings (--command-config, the context) name the right user, and that "
                        + "user's ACLs";
            }
        }
        return null;
    }

    private static void useErrorCodes(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.ERROR)
                .exitCodeOnExecutionException(ExitCodes.ERROR);
        cli.getSubcommands().values().forEach(Mrmctl::useErrorCodes);
    }

    // ---- status ---------------------------------------------------------------------------

    @Command(name = "status", description = "Per application: active region, epoch, phase, plan progress, "
            + "hold-down, frozen, last decision (from the compacted topology topic).")
    int status(@Parameters(arity = "0..1", paramLabel = "APP", description = "Only this application.") String app) {
        if (app != null) {
            checked("APP", () -> Require.name("APP", app));
        }
        MrmKafka kafka = kafka();
        List<TopologyState> states = kafka.topology(deadline()).stream()
                .filter(s -> app == null || s.applicationId().equals(app)).toList();
        if (app != null && states.isEmpty()) {
            return finish(ExitCodes.ERROR, "status", new LinkedHashMap<>(Map.of("application", app, "result", "error")),
                    app + ": no state on the topology topic (the engine writes one after its first input "
                            + "for the application)");
        }
        if (output == Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "status");
            json.put("applications", states.stream().map(StatusView::json).toList());
            json.put("exitCode", ExitCodes.OK);
            printJson(json);
        } else if (states.isEmpty()) {
            out().println("no applications on the topology topic yet");
        } else {
            Instant now = clock.get();
            states.forEach(s -> StatusView.text(s, now).forEach(out()::println));
        }
        return ExitCodes.OK;
    }

    // ---- requests -------------------------------------------------------------------------

    @Command(name = "failover", description = "Switch APP to --to REGION now.")
    int failover(@Parameters(paramLabel = "APP") String app,
                 @Option(names = "--to", required = true, paramLabel = "REGION") String region,
                 @Option(names = "--forced", description = "Skip the steps that need the old region.") boolean forced,
                 @Option(names = "--override", paramLabel = "RULE", arity = "1..*",
                         description = "Safety rules not to check (break-glass): ${COMPLETION-CANDIDATES}.")
                 List<SafetyRule> overrides,
                 @Option(names = "--reason", required = true) String reason,
                 @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
                 boolean follow) {
        return send("failover", follow, () -> new ManualFailoverRequest(newId(), app, clock.get(),
                ManualFailoverRequest.SCHEMA_VERSION, operator(), region,
                forced ? FailoverMode.FORCED : FailoverMode.GRACEFUL, overrides, reason), Map.of("--to", "targetRegion"));
    }

    @Command(name = "failback", description = "Switch APP back to its primary region.")
    int failback(@Parameters(paramLabel = "APP") String app,
                 @Option(names = "--forced", description = "Skip the steps that need the old region.") boolean forced,
                 @Option(names = "--override", paramLabel = "RULE", arity = "1..*",
                         description = "Safety rules not to check (break-glass): ${COMPLETION-CANDIDATES}.")
                 List<SafetyRule> overrides,
                 @Option(names = "--reason", required = true) String reason,
                 @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
                 boolean follow) {
        return send("failback", follow, () -> new FailbackRequest(newId(), app, clock.get(),
                FailbackRequest.SCHEMA_VERSION, operator(), forced ? FailoverMode.FORCED : FailoverMode.GRACEFUL,
                overrides, reason), Map.of());
    }

    @Command(name = "approve", description = "Approve a proposed decision, which then executes.")
    int approve(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "DECISION_ID") String decisionId,
                @Option(names = "--reason") String reason,
                @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
                boolean follow) {
        return send("approve", follow, () -> new ApproveRequest(newId(), app, clock.get(), ApproveRequest.SCHEMA_VERSION,
                operator(), decisionId, reason), Map.of());
    }

    @Command(name = "reject", description = "Reject a proposed decision; nothing is switched.")
    int reject(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "DECISION_ID") String decisionId,
               @Option(names = "--reason", required = true) String reason) {
        return send("reject", false, () -> new RejectRequest(newId(), app, clock.get(), RejectRequest.SCHEMA_VERSION,
                operator(), decisionId, reason), Map.of());
    }

    @Command(name = "freeze", description = "No automatic decision for APP until unfrozen.")
    int freeze(@Parameters(paramLabel = "APP") String app, @Option(names = "--reason", required = true) String reason) {
        return send("freeze", false, () -> new FreezeRequest(newId(), app, clock.get(), FreezeRequest.SCHEMA_VERSION,
                operator(), reason), Map.of());
    }

    @Command(name = "unfreeze", description = "Lift a freeze.")
    int unfreeze(@Parameters(paramLabel = "APP") String app, @Option(names = "--reason") String reason) {
        return send("unfreeze", false, () -> new UnfreezeRequest(newId(), app, clock.get(),
                UnfreezeRequest.SCHEMA_VERSION, operator(), reason), Map.of());
    }

    @Command(name = "ack-hold-down", description = "End the hold-down after a failover early.")
    int ackHoldDown(@Parameters(paramLabel = "APP") String app,
                    @Option(names = "--reason", required = true) String reason) {
        return send("ack-hold-down", false, () -> new AcknowledgeHoldDownRequest(newId(), app, clock.get(),
                AcknowledgeHoldDownRequest.SCHEMA_VERSION, operator(), reason), Map.of());
    }

    @Command(name = "resume", description = "Resume a paused plan by retrying its failed step.")
    int resume(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "DECISION_ID") String decisionId,
               @Option(names = "--reason") String reason,
               @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
               boolean follow) {
        return send("resume", follow, () -> new ResumeRequest(newId(), app, clock.get(), ResumeRequest.SCHEMA_VERSION,
                operator(), decisionId, reason), Map.of());
    }

    @Command(name = "skip", description = "Break-glass: mark a failed step of a paused plan skipped and carry on.")
    int skip(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "DECISION_ID") String decisionId,
             @Parameters(paramLabel = "STEP", description = "The step number as status prints it (1 = first).") int step,
             @Option(names = "--reason", required = true) String reason,
             @Option(names = "--follow", description = "Print plan progress until STEADY, PAUSED or --timeout.")
             boolean follow) {
        if (step < 1) {
            throw usageError("STEP must be >= 1 (steps are numbered from 1), was " + step);
        }
        return send("skip", follow, () -> new SkipStepRequest(newId(), app, clock.get(), SkipStepRequest.SCHEMA_VERSION,
                operator(), decisionId, step - 1, reason), Map.of());
    }

    @Command(name = "abort", description = "Abort a running or paused plan; steps already done stay done.")
    int abort(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "DECISION_ID") String decisionId,
              @Option(names = "--reason", required = true) String reason) {
        return send("abort", false, () -> new AbortRequest(newId(), app, clock.get(), AbortRequest.SCHEMA_VERSION,
                operator(), decisionId, reason), Map.of());
    }

    // ---- shared ---------------------------------------------------------------------------

    /**
     * Builds the request (its record checks every field; a failure is a usage error naming the
     * option), publishes it and reports the engine's answer.
     */
    private int send(String command, boolean follow, Supplier<OperatorRequest> build, Map<String, String> optionOfField) {
        checked("--operator", () -> Require.operator("--operator", operator));
        OperatorRequest built = checked(null, () -> {
            try {
                return build.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(optionNames(e.getMessage(), optionOfField), e);
            }
        });
        OperatorRequest request = built;
        Instant deadline = deadline();
        MrmKafka kafka = signOnlyTo == null ? kafka() : null;
        if (keyFile != null) {
            PrivateKey key = checked(null, () -> {
                try {
                    return KeyFiles.readPrivateKey(keyFile);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage().replaceFirst("^--key", keyLabel), e);
                }
            });
            // signed for this environment only: an engine on another Kafka cluster refuses it
            String cluster = signForCluster != null ? signForCluster : kafka.clusterId(deadline);
            request = checked("--key", () -> RequestSigning.sign(built, key, cluster));
        } else if (signOnlyTo != null) {
            throw usageError("--key is required to sign (or set MRM_OPERATOR_KEY_FILE)");
        } else if (output == Output.text) {
            err().println("mrmctl: note: no --key, so the request is unsigned; the engine refuses it unless "
                    + "request signatures are switched off");
        }
        if (signOnlyTo != null) {
            return writeSigned(command, request);
        }
        List<String> progress = new ArrayList<>();
        PlanProgress[] plan = new PlanProgress[1];
        MrmKafka.PlanFollower follower = !follow ? null : new MrmKafka.PlanFollower() {
            @Override
            public boolean follows(RequestOutcome outcome) {
                if (!outcome.accepted() || outcome.decisionId() == null) {
                    return false;
                }
                report(outcome);
                plan[0] = new PlanProgress(outcome.decisionId());
                return true;
            }

            @Override
            public boolean onState(TopologyState state) {
                for (String line : plan[0].update(state)) {
                    progress.add(line);
                    if (output == Output.text) {
                        out().println("  " + line);
                        out().flush();
                    }
                }
                return plan[0].finished();
            }
        };
        MrmKafka.Answer answer = kafka.publish(request, !noWait, follower, deadline);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("application", request.applicationId());
        json.put("requestId", request.id());
        json.put("operator", request.operator());
        if (request.signature() != null) {
            json.put("clusterId", request.signature().clusterId());
        }
        RequestOutcome outcome = answer.outcome();
        if (noWait) {
            json.put("result", "published");
            return finish(ExitCodes.OK, command, json,
                    "published " + command + " request " + request.id() + " (not waiting for the answer)");
        }
        if (outcome == null) {
            json.put("result", "timed-out");
            return finish(ExitCodes.TIMED_OUT, command, json, "no answer to request " + request.id()
                    + " within " + timeout.toMillis() + " ms (is the decision engine running?)");
        }
        json.put("result", outcome.accepted() ? "accepted" : "rejected");
        json.put("reason", outcome.reason());
        json.put("decisionId", outcome.decisionId());
        boolean followed = plan[0] != null;
        if (!followed) {
            if (output == Output.text) {
                report(outcome);
            }
            return finish(outcome.accepted() ? ExitCodes.OK : ExitCodes.REJECTED, command, json, null);
        }
        TopologyState last = plan[0].latest();
        json.put("progress", progress);
        json.put("phase", last == null ? null : last.phase().name());
        json.put("plan", last == null ? List.of() : StatusView.steps(last.planSteps()));
        if (!answer.planFinished()) {
            json.put("result", "accepted, plan not finished");
            return finish(ExitCodes.TIMED_OUT, command, json, "plan of " + outcome.decisionId()
                    + " not finished within " + timeout.toMillis() + " ms; see `mrmctl status " + request.applicationId() + "`");
        }
        if (last.phase() == Phase.PAUSED) {
            json.put("result", "accepted, plan paused");
            return finish(ExitCodes.PLAN_PAUSED, command, json, "plan of " + outcome.decisionId()
                    + " PAUSED on a failed step: resume, skip or abort it");
        }
        return finish(ExitCodes.OK, command, json, "plan of " + outcome.decisionId() + " finished: "
                + last.activeRegion() + " is active");
    }

    // ---- keys and offline signing ------------------------------------------------------------

    @Command(name = "keygen", description = "Make an Ed25519 key pair for an operator: FILE (private, mode 0600) "
            + "and FILE.pub, and print the entry the engine's configuration needs.")
    int keygen(@Option(names = "--out", required = true, paramLabel = "FILE",
                       description = "Where to write the private key; the public key goes to FILE.pub.") Path out,
               @Option(names = "--role", paramLabel = "ROLE", arity = "1..*", defaultValue = "operator",
                       description = "Roles to print in the configuration entry: viewer, operator, approver "
                               + "(default: ${DEFAULT-VALUE}).") List<String> roles) {
        checked("--operator", () -> Require.operator("--operator", operator));
        for (String role : roles) {
            if (!List.of("viewer", "operator", "approver").contains(role.toLowerCase(Locale.ROOT))) {
                throw usageError("--role: '" + role + "' is not one of viewer, operator, approver");
            }
        }
        KeyPair keys = OperatorKeys.generate();
        Path pub = out.resolveSibling(out.getFileName() + ".pub");
        checked(null, () -> {
            KeyFiles.write(keys, out, pub);
            return null;
        });
        String line = OperatorKeys.oneLine(keys.getPublic());
        List<String> lower = roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).distinct().toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("operator", operator);
        json.put("privateKeyFile", out.toString());
        json.put("publicKeyFile", pub.toString());
        json.put("publicKey", line);
        json.put("fingerprint", OperatorKeys.fingerprint(keys.getPublic()));
        json.put("roles", lower);
        json.put("result", "ok");
        String text = "wrote " + out + " (private: keep it to yourself) and " + pub + "\n"
                + "fingerprint " + OperatorKeys.fingerprint(keys.getPublic()) + "\n"
                + "add to the decision engine's configuration (mrm.decision.operators):\n"
                + "  - id: " + operator + "\n"
                + "    roles: [" + String.join(", ", lower) + "]\n"
                + "    public-key: " + line;
        return finish(ExitCodes.OK, "keygen", json, text);
    }

    @Command(name = "sign", description = "Sign a request without sending it: writes FILE.json (the body) and "
            + "FILE.headers (CloudEvents headers, one name=value per line) for any Kafka client that partitions "
            + "keys like Kafka's Java client, e.g. kcat -X partitioner=murmur2_random (the command is printed). "
            + "Example: mrmctl --key alice.key --operator alice sign --out req freeze shop --reason 'CHG-42'",
            sortOptions = false)
    int sign(@Option(names = "--out", required = true, paramLabel = "FILE",
                     description = "Prefix of the files to write.") Path out,
             @Option(names = "--cluster-id", paramLabel = "ID",
                     description = "The Kafka cluster id of the environment the request is for (default: asks "
                             + "--bootstrap-servers). An engine on another cluster refuses it.") String clusterId,
             @Parameters(arity = "1..*", paramLabel = "REQUEST",
                     description = "A request command and its arguments, as you would run it.") List<String> request) {
        List<String> args = new ArrayList<>();
        args.add("--topic-prefix=" + topicPrefix);
        args.add("--output=" + output);
        if (operator != null) {
            args.add("--operator=" + operator);
        }
        if (keyFile != null) {
            args.add("--key=" + keyFile);
        }
        args.addAll(request);
        String name = request.get(0);
        if (!REQUEST_COMMANDS.contains(name)) {
            throw usageError("sign: '" + name + "' is not a request; one of " + REQUEST_COMMANDS);
        }
        if (clusterId != null) {
            checked("--cluster-id", () -> Require.clusterId("--cluster-id", clusterId));
        }
        Mrmctl nested = new Mrmctl(clock);
        nested.signOnlyTo = out;
        nested.contextsApplied = true; // it gets the settings resolved here
        nested.keyLabel = keyLabel;
        // asked before the request is built, so the time it is issued at is not spent waiting for Kafka
        if (keyFile != null && clusterId == null && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw usageError("sign: --cluster-id or --bootstrap-servers is needed: a request is signed for one "
                    + "Kafka cluster (an engine on another refuses it)");
        }
        nested.signForCluster = keyFile == null ? null : clusterId != null ? clusterId : kafka().clusterId(deadline());
        CommandLine cli = commandLine(nested);
        cli.setOut(out());
        cli.setErr(err());
        return cli.execute(args.toArray(String[]::new));
    }

    private static final List<String> REQUEST_COMMANDS = List.of("failover", "failback", "approve", "reject",
            "freeze", "unfreeze", "ack-hold-down", "resume", "skip", "abort");

    private int writeSigned(String command, OperatorRequest request) {
        TopicNames names = checked("--topic-prefix", () -> new TopicNames(topicPrefix));
        ProducerRecord<String, byte[]> record = new EventCodec(names, URI.create("/mrm/mrmctl"))
                .writtenBy(MrmService.MRMCTL).toRecord(request);
        Path body = signOnlyTo.resolveSibling(signOnlyTo.getFileName() + ".json");
        Path headers = signOnlyTo.resolveSibling(signOnlyTo.getFileName() + ".headers");
        Map<String, String> headerMap = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        for (Header h : record.headers()) {
            String value = new String(h.value(), StandardCharsets.UTF_8);
            headerMap.put(h.key(), value);
            lines.append(h.key()).append('=').append(value).append('\n');
        }
        try {
            Files.write(body, record.value());
            Files.writeString(headers, lines.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("--out: cannot write " + e.getMessage());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("result", "signed");
        json.put("requestId", request.id());
        json.put("operator", request.operator());
        json.put("topic", record.topic());
        json.put("key", record.key());
        json.put("headers", headerMap);
        json.put("bodyFile", body.toString());
        json.put("headersFile", headers.toString());
        json.put("clusterId", request.signature().clusterId());
        json.put("expiresAt", request.time().plus(Duration.ofMinutes(5)).toString());
        // kcat's default partitioner hashes the key with CRC32, Java clients with murmur2: without the
        // option the request lands on a partition whose engine task does not own the application, and
        // the engine refuses it (WRONG_PARTITION).
        StringBuilder kcat = new StringBuilder("kcat -P -b \"$MRM_KAFKA_BOOTSTRAP_SERVERS\" -t " + record.topic()
                + " -k " + record.key() + " -X partitioner=murmur2_random");
        headerMap.forEach((k, v) -> kcat.append(" -H ").append(k).append('=').append(v));
        kcat.append(' ').append(body);
        json.put("kcat", kcat.toString());
        return finish(ExitCodes.OK, command, json, "signed " + command + " request " + request.id() + " as "
                + request.operator() + " for Kafka cluster " + request.signature().clusterId() + "; wrote " + body
                + " and " + headers
                + "\nsend it within 5 minutes (the engine refuses older requests), e.g.:\n  " + kcat);
    }

    private void report(RequestOutcome outcome) {
        if (output == Output.text) {
            String verdict = outcome.accepted() ? "accepted" : "rejected";
            // the engine says just "accepted" when it has nothing to add
            String why = outcome.reason().equals(verdict) ? "" : ": " + outcome.reason();
            out().println(verdict + why
                    + (outcome.decisionId() == null ? "" : " (decision " + outcome.decisionId() + ")"));
            out().flush();
        }
    }

    /** Prints the command's result (text line or one JSON object) and returns its exit code. */
    private int finish(int exitCode, String command, Map<String, Object> json, String text) {
        if (output == Output.json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("command", command);
            all.putAll(json);
            all.put("exitCode", exitCode);
            printJson(all);
        } else if (text != null) {
            (exitCode == ExitCodes.OK ? out() : err()).println(text);
        }
        return exitCode;
    }

    /** Prints one JSON object (the subcommands in their own classes print through this too). */
    void printJson(Map<String, Object> json) {
        try {
            out().println(EventJson.mapper().writeValueAsString(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON output: " + e.getOriginalMessage());
        }
        out().flush();
    }

    /** A usage error reported against the subcommand being run, so its hint points to that command's help. */
    private ParameterException usageError(String message) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        while (parsed != null && parsed.subcommand() != null) {
            parsed = parsed.subcommand();
        }
        return new ParameterException(parsed == null ? spec.commandLine() : parsed.commandSpec().commandLine(), message);
    }

    private MrmKafka kafka() {
        TopicNames names = checked("--topic-prefix", () -> new TopicNames(topicPrefix));
        return new MrmKafka(connection(), names);
    }

    /**
     * The servers and the client settings to reach them with: --command-config's file, else the context's
     * file and inline settings, else MRM_KAFKA_COMMAND_CONFIG's file.
     */
    io.mrm.mrmctl.adapter.KafkaConnection connection() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw usageError("--bootstrap-servers is required (or set MRM_KAFKA_BOOTSTRAP_SERVERS, or use a context: "
                    + "mrmctl config --help)");
        }
        boolean fromContext = context != null && context.setsClientSettings() && !given("--command-config");
        Map<String, String> inline = fromContext ? context.clientProperties() : Map.of();
        Path file = fromContext ? context.commandConfig()
                : commandConfig == null || commandConfig.isBlank() ? null : Path.of(commandConfig.trim());
        String where = fromContext ? "context " + context.name() + ": command-config" : "--command-config";
        try {
            return io.mrm.mrmctl.adapter.KafkaConnection.of(bootstrapServers.trim(), file, where, inline,
                    fromContext ? "context " + context.name() + ": client-properties" : "");
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
    }

    // ---- contexts ---------------------------------------------------------------------------

    /** The contexts file named by --config or MRMCTL_CONFIG, else the default one if it exists (null: none). */
    Path contextsFile() {
        if (configFile != null && !configFile.toString().isBlank()) {
            return configFile;
        }
        return defaultConfig != null && Files.exists(defaultConfig) ? defaultConfig : null;
    }

    /**
     * Fills in, from the context (--context, else the file's current-context), every setting the command line
     * did not give; a setting the environment gave is replaced too (with a note when they differ). The
     * {@code config} commands read the file themselves.
     */
    void applyContext(CommandLine.ParseResult parsed) {
        if (contextsApplied) {
            return;
        }
        contextsApplied = true;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            // help always answers, whatever the file says; the config commands read the file themselves
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()
                    || List.of("config", "help").contains(p.commandSpec().name())) {
                return;
            }
        }
        Path file = contextsFile();
        if (file == null) {
            if (contextName != null) {
                throw usageError("--context " + contextName + ": there is no contexts file (" + (defaultConfig == null
                        ? "give --config FILE" : defaultConfig + " does not exist; or give --config FILE") + ")");
            }
            return;
        }
        if (!Files.exists(file)) {
            throw usageError("--config " + file + ": no such file");
        }
        ContextsFile.Contents contents = checked(null, () -> ContextsFile.read(file));
        String name = contextName != null ? contextName : contents.currentContext();
        if (name == null) {
            return;
        }
        context = checked(null, () -> contents.require(name, contextName != null ? "--context"
                : "current-context of " + file + ":"));
        if (!given("--bootstrap-servers")) {
            bootstrapServers = fromContext("MRM_KAFKA_BOOTSTRAP_SERVERS", "bootstrap-servers", bootstrapServers,
                    context.bootstrapServers());
        }
        if (!given("--topic-prefix") && context.topicPrefix() != null) {
            topicPrefix = context.topicPrefix();
        }
        if (!given("--operator") && context.operator() != null) {
            operator = fromContext("MRM_OPERATOR", "operator", operator, context.operator());
        }
        if (!given("--key") && context.key() != null) {
            keyFile = Path.of(fromContext("MRM_OPERATOR_KEY_FILE", "key", keyFile == null ? null : keyFile.toString(),
                    context.key().toString()));
            keyLabel = "context " + context.name() + ": key";
        }
        if (!given("--command-config") && context.setsClientSettings() && commandConfig != null
                && !commandConfig.isBlank()) {
            note("context " + context.name() + " sets the Kafka client settings; MRM_KAFKA_COMMAND_CONFIG is not used");
            commandConfig = null;
        }
    }

    /** The context's value; a note when it replaces a different one the environment gave. */
    private String fromContext(String variable, String key, String fromEnvironment, String value) {
        if (fromEnvironment != null && !fromEnvironment.isBlank() && !fromEnvironment.equals(value)) {
            note("context " + context.name() + " sets " + key + "; " + variable + " is not used");
        }
        return value;
    }

    private void note(String text) {
        err().println("mrmctl: note: " + text);
        err().flush();
    }

    /** Whether the option was given on the command line (before or after the command), not by a default. */
    private boolean given(String option) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    /** The context in use (null: none), for the config commands and tests. */
    ContextsFile.Context context() {
        return context;
    }

    /** Prints one line of text, or nothing with --output json (config's commands print through this). */
    int done(String command, Map<String, Object> json, String text) {
        return finish(ExitCodes.OK, command, json, text);
    }

    private Instant deadline() {
        return clock.get().plus(timeout);
    }

    private String operator() {
        return operator;
    }

    /** Runs a check; its IllegalArgumentException becomes a usage error (exit 1, message, no stack trace). */
    private <T> T checked(String option, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (option != null && "--operator".equals(option) && operator == null) {
                message = "--operator is required (or set MRM_OPERATOR)";
            } else if (option != null && !message.startsWith(option)) {
                message = option + ": " + message;
            }
            throw usageError(message);
        }
    }

    /** Request records name their fields; the operator typed options and parameters. */
    private static String optionNames(String message, Map<String, String> optionOfField) {
        String result = message.replaceFirst("^applicationId", "APP").replaceFirst("^decisionId", "DECISION_ID")
                .replaceFirst("^reason", "--reason").replaceFirst("^overrideRules", "--override");
        for (Map.Entry<String, String> e : optionOfField.entrySet()) {
            result = result.replaceFirst("^" + Pattern.quote(e.getValue()), e.getKey());
        }
        return result;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Accepts 500ms, 30s, 2m, 1h, 7d or ISO-8601 (PT30S); must be positive. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = TimeArgument.duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (d.isNegative() || d.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
            }
            return d;
        }
    }
}
