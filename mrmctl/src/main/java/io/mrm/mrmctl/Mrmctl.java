package io.mrm.mrmctl;

import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventJson;
import io.mrm.mrmctl.adapter.ContextsFile;
import io.mrm.mrmctl.adapter.MrmKafka;
import io.mrm.mrmctl.domain.ExitCodes;
import io.mrm.mrmctl.domain.TimeArgument;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The operators' command-line tool: reads the topology topic and sends requests to the decision engine. This is
 * the root command: the options every subcommand shares, the contexts file, output and error handling; each
 * subcommand is a class of its own (requests publish through {@link RequestSender}).
 */
@Command(
        name = "mrmctl",
        mixinStandardHelpOptions = true,
        version = "mrmctl 0.1.0",
        description = "Shows and steers MRM's failover control plane through its Kafka topics.",
        // listed as picocli listed them when they were methods of this class: the help text stays the same
        subcommands = {
            CommandLine.HelpCommand.class,
            AuditCommand.class,
            ReplayCommand.class,
            ConfigCommand.class,
            AbortCommand.class,
            AckHoldDownCommand.class,
            ApproveCommand.class,
            DrillCommand.class,
            FailbackCommand.class,
            FailoverCommand.class,
            FreezeCommand.class,
            KeygenCommand.class,
            ReadinessCommand.class,
            RejectCommand.class,
            ResumeCommand.class,
            SignCommand.class,
            SkipCommand.class,
            StatusCommand.class,
            UnfreezeCommand.class,
            // `source <(mrmctl generate-completion)`: bash and zsh completion of commands and options
            picocli.AutoComplete.GenerateCompletion.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:accepted / ok",
            "1:error: bad input or Kafka unreachable",
            "2:rejected by the decision engine (reason printed)",
            "3:timed out waiting (--timeout)",
            "4:the followed plan paused on a failed step",
            "5:replay did not reproduce the recorded outputs",
            "6:the followed drill found failing steps, or was cancelled"
        },
        footerHeading = "%nSigned requests:%n",
        footer = {
            "Every request is signed with --key (Ed25519, from `mrmctl keygen`) as --operator, for the Kafka",
            "cluster it is sent to. The engine refuses unsigned, forged, expired (over 5 minutes old) and",
            "replayed requests, requests signed for another cluster, and requests the operator's role does",
            "not allow, with an alert."
        })
public final class Mrmctl {

    public enum Output {
        text,
        json
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            defaultValue = "${env:MRMCTL_CONFIG}",
            description = "mrmctl's contexts file (default: env MRMCTL_CONFIG, else ~/.config/mrmctl/config.yaml "
                    + "when it exists). See `mrmctl config --help`.")
    Path configFile;

    @Option(
            names = "--context",
            scope = ScopeType.INHERIT,
            paramLabel = "NAME",
            description = "The context of the contexts file to use (default: its current-context). Options given "
                    + "on the command line win over the context's settings, and those over the environment's.")
    String contextName;

    @Option(
            names = "--bootstrap-servers",
            scope = ScopeType.INHERIT,
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:MRM_KAFKA_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers (default: env MRM_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(
            names = "--command-config",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            defaultValue = "${env:MRM_KAFKA_COMMAND_CONFIG}",
            description =
                    "Kafka client properties for a secured cluster (security.protocol, sasl.*, ssl.*), as Kafka's "
                            + "own tools take them; readable by its owner only (default: env MRM_KAFKA_COMMAND_CONFIG).")
    String commandConfig;

    @Option(
            names = "--topic-prefix",
            scope = ScopeType.INHERIT,
            defaultValue = TopicNames.DEFAULT_PREFIX,
            description = "Prefix of MRM's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--operator",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:MRM_OPERATOR}",
            description = "Who asks, recorded with each request (default: env MRM_OPERATOR).")
    String operator;

    @Option(
            names = "--key",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            defaultValue = "${env:MRM_OPERATOR_KEY_FILE}",
            description = "The operator's Ed25519 private key (PEM, from `mrmctl keygen`); every request is signed "
                    + "with it (default: env MRM_OPERATOR_KEY_FILE). Without it requests go unsigned, which the "
                    + "engine refuses unless configured not to.")
    Path keyFile;

    @Option(
            names = "--output",
            scope = ScopeType.INHERIT,
            defaultValue = "text",
            description = "text or json (one JSON object per command; default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(
            names = "--timeout",
            scope = ScopeType.INHERIT,
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "Longest wait for Kafka and for the engine's answer, e.g. 30s, 2m, 500ms (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--no-wait",
            scope = ScopeType.INHERIT,
            description = "Publish the request and exit 0 without waiting for the engine's answer.")
    boolean noWait;

    final Supplier<Instant> clock;
    /** Set by {@code sign}: write the signed request here instead of publishing it. */
    Path signOnlyTo;
    /** Set by {@code sign}: the Kafka cluster to sign for (else the one --bootstrap-servers belongs to). */
    String signForCluster;
    /** The contexts file read when neither --config nor MRMCTL_CONFIG names one (null: none). */
    private final Path defaultConfig;
    /** The context in use, once the contexts file has been applied (null: none). */
    private ContextsFile.Context context;
    /** Set once the contexts file has been applied (a nested run, as sign's, takes the resolved settings). */
    boolean contextsApplied;
    /** How the key was named, for messages: --key, or the context's key. */
    String keyLabel = "--key";

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

    /**
     * Asks the operator a question on the terminal; null when there is none (a script, a pipe). Tests answer for
     * the operator.
     */
    java.util.function.UnaryOperator<String> asker = prompt -> {
        java.io.Console console = System.console();
        return console == null ? null : console.readLine("%s", prompt);
    };

    String ask(String prompt) {
        return asker.apply(prompt);
    }

    public static void main(String[] args) {
        CommandLine cli = withWriters(
                new Mrmctl(),
                new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8)),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8)));
        System.exit(cli.execute(args));
    }

    /**
     * Runs mrmctl in this JVM with its output going to the given writers (the sandbox uses it); returns the exit
     * code. The operator's own contexts file is not read unless --config (or MRMCTL_CONFIG) names it: an
     * embedding program says what it means.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return withWriters(new Mrmctl(Instant::now, null), out, err).execute(args);
    }

    /**
     * The command line writing to {@code out} and {@code err} through a {@link
     * io.mrm.mrmctl.adapter.TerminalSafeWriter}, so that nothing read from the bus reaches the terminal as a
     * control sequence; only what mrmctl means itself ({@link #clearScreen()}) is written to {@code out} as it is.
     */
    static CommandLine withWriters(Mrmctl mrmctl, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(mrmctl);
        cli.setOut(new PrintWriter(new io.mrm.mrmctl.adapter.TerminalSafeWriter(out), true));
        cli.setErr(new PrintWriter(new io.mrm.mrmctl.adapter.TerminalSafeWriter(err), true));
        mrmctl.screen = out;
        return cli;
    }

    /** Where {@link #clearScreen()} writes: the writer beneath {@link #out()}'s filter; null: {@link #out()}. */
    private PrintWriter screen;

    /** Clears the terminal and homes the cursor, as watch(1) does (status --watch on a terminal). */
    void clearScreen() {
        out().flush();
        PrintWriter raw = screen == null ? out() : screen;
        raw.print("\033[H\033[2J");
        raw.flush();
    }

    /** The command line with mrmctl's exit codes and error handling (tests use it with their own writers). */
    static CommandLine commandLine(Mrmctl mrmctl) {
        CommandLine cli = new CommandLine(mrmctl).setCaseInsensitiveEnumValuesAllowed(true);
        // everything after the request's name belongs to the request, options included
        cli.getSubcommands().get("sign").setStopAtPositional(true);
        useErrorCodes(cli);
        // --help (and -h) on every subcommand, answered before its required parameters are checked
        withHelpOptions(cli);
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
            if (asksForJson(args)) {
                // a script that asked for JSON gets JSON, even when its command line is wrong
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("command", failed == cli ? "mrmctl" : failed.getCommandName());
                json.put("result", "usage-error");
                json.put("error", e.getMessage());
                json.put("help", failed.getCommandSpec().qualifiedName() + " --help");
                json.put("exitCode", ExitCodes.ERROR);
                try {
                    cli.getOut().println(EventJson.mapper().writeValueAsString(json));
                    cli.getOut().flush();
                } catch (com.fasterxml.jackson.core.JsonProcessingException ignored) {
                    // the text on stderr stands
                }
            }
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
                        ? "not authorized"
                        : "could not authenticate";
                return "the Kafka broker refused this principal (" + kind + "): " + t.getMessage()
                        + " — check the client settings (--command-config, the context) name the right user, and that "
                        + "user's ACLs";
            }
        }
        return null;
    }

    /** Whether the command line asks for JSON output ({@code --output json} or {@code --output=json}). */
    static boolean asksForJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equalsIgnoreCase("--output=json")
                    || (args[i].equals("--output") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("json"))) {
                return true;
            }
        }
        return false;
    }

    private static void withHelpOptions(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            if (spec.optionsMap().get("--help") == null) {
                spec.addOption(CommandLine.Model.OptionSpec.builder(
                                spec.optionsMap().containsKey("-h")
                                        ? new String[] {"--help"}
                                        : new String[] {"-h", "--help"})
                        .usageHelp(true)
                        .description("Show this help message and exit.")
                        .build());
            }
            withHelpOptions(sub);
        }
    }

    private static void useErrorCodes(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.ERROR).exitCodeOnExecutionException(ExitCodes.ERROR);
        cli.getSubcommands().values().forEach(Mrmctl::useErrorCodes);
    }

    /** Prints the command's result (text line or one JSON object) and returns its exit code. */
    int finish(int exitCode, String command, Map<String, Object> json, String text) {
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
    ParameterException usageError(String message) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        while (parsed != null && parsed.subcommand() != null) {
            parsed = parsed.subcommand();
        }
        return new ParameterException(
                parsed == null ? spec.commandLine() : parsed.commandSpec().commandLine(), message);
    }

    MrmKafka kafka() {
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
        Path file = fromContext
                ? context.commandConfig()
                : commandConfig == null || commandConfig.isBlank() ? null : Path.of(commandConfig.trim());
        String where = fromContext ? "context " + context.name() + ": command-config" : "--command-config";
        try {
            return io.mrm.mrmctl.adapter.KafkaConnection.of(
                    bootstrapServers.trim(),
                    file,
                    where,
                    inline,
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
            if (p.isUsageHelpRequested()
                    || p.isVersionHelpRequested()
                    || List.of("config", "help").contains(p.commandSpec().name())) {
                return;
            }
        }
        Path file = contextsFile();
        if (file == null) {
            if (contextName != null) {
                throw usageError("--context " + contextName + ": there is no contexts file ("
                        + (defaultConfig == null
                                ? "give --config FILE"
                                : defaultConfig + " does not exist; or give --config FILE")
                        + ")");
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
        context = checked(
                null,
                () -> contents.require(name, contextName != null ? "--context" : "current-context of " + file + ":"));
        if (!given("--bootstrap-servers")) {
            bootstrapServers = fromContext(
                    "MRM_KAFKA_BOOTSTRAP_SERVERS", "bootstrap-servers", bootstrapServers, context.bootstrapServers());
        }
        if (!given("--topic-prefix") && context.topicPrefix() != null) {
            topicPrefix = context.topicPrefix();
        }
        if (!given("--operator") && context.operator() != null) {
            operator = fromContext("MRM_OPERATOR", "operator", operator, context.operator());
        }
        if (!given("--key") && context.key() != null) {
            keyFile = Path.of(fromContext(
                    "MRM_OPERATOR_KEY_FILE",
                    "key",
                    keyFile == null ? null : keyFile.toString(),
                    context.key().toString()));
            keyLabel = "context " + context.name() + ": key";
        }
        if (!given("--command-config")
                && context.setsClientSettings()
                && commandConfig != null
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

    /** The time now, as this run's clock says. */
    Instant now() {
        return clock.get();
    }

    Instant deadline() {
        return clock.get().plus(timeout);
    }

    /** Runs a check; its IllegalArgumentException becomes a usage error (exit 1, message, no stack trace). */
    <T> T checked(String option, Supplier<T> check) {
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

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
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
