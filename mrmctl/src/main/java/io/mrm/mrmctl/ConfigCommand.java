package io.mrm.mrmctl;

import io.mrm.mrmctl.adapter.ContextsFile;
import io.mrm.mrmctl.adapter.ContextsFile.Contents;
import io.mrm.mrmctl.adapter.ContextsFile.Context;
import io.mrm.mrmctl.domain.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mrmctl config}: the named contexts of mrmctl's contexts file, as {@code kubectl config} shows them. */
@Command(
        name = "config",
        description = {
            "Named contexts, as kubectl's: each says which Kafka cluster to reach and",
            "how (bootstrap servers, topic prefix, a Kafka client properties file or",
            "inline client settings without secrets) and as whom (operator, key).",
            "--context NAME picks one, else the file's current-context. Options on the",
            "command line win over the context, the context over the environment",
            "(MRM_KAFKA_BOOTSTRAP_SERVERS, ...). The file is --config FILE, else",
            "MRMCTL_CONFIG, else ~/.config/mrmctl/config.yaml (or under $XDG_CONFIG_HOME)."
        },
        footerHeading = "%nThe file:%n",
        footer = {
            "  current-context: staging",
            "  contexts:",
            "    - name: staging",
            "      bootstrap-servers: kafka-0.staging.example.com:9093",
            "      topic-prefix: mrm.",
            "      command-config: ~/.config/mrmctl/staging.properties  # secrets here",
            "      operator: alice@example.com",
            "      key: ~/.mrm/alice.key",
            "    - name: production",
            "      bootstrap-servers: kafka-0.prod.example.com:9093",
            "      client-properties:",
            "        security.protocol: SSL",
            "        ssl.truststore.type: PEM",
            "        ssl.truststore.location: /etc/mrm/prod-ca.crt",
            "      operator: alice@example.com",
            "      key: ~/.mrm/alice-prod.key",
            "",
            "An unknown key is an error naming the nearest known one. Secrets",
            "(sasl.jaas.config, passwords, private keys) are refused inline. A file",
            "that names a key or a client properties file must be the owner's alone",
            "(chmod 600). Relative paths are beside the file; ~/ is your home."
        },
        subcommands = {CommandLine.HelpCommand.class})
final class ConfigCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Spec
    CommandSpec spec;

    /** Without a subcommand: the help, which shows the file's format. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    @Command(name = "get-contexts", description = "List the contexts; * marks the current one.")
    int getContexts() {
        Contents contents = contents();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", contents.file().toString());
        json.put("currentContext", contents.currentContext());
        List<Map<String, Object>> contexts = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CURRENT", "NAME", "BOOTSTRAP-SERVERS", "TOPIC-PREFIX", "OPERATOR", "KAFKA-CLIENT"});
        for (Context c : contents.contexts()) {
            boolean current = c.name().equals(contents.currentContext());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", c.name());
            one.put("current", current);
            one.put("bootstrapServers", c.bootstrapServers());
            one.put("topicPrefix", c.topicPrefix());
            one.put("operator", c.operator());
            one.put("key", c.key() == null ? null : c.key().toString());
            one.put(
                    "commandConfig",
                    c.commandConfig() == null ? null : c.commandConfig().toString());
            one.put("clientProperties", c.clientProperties()); // never a secret: those are refused inline
            contexts.add(one);
            rows.add(new String[] {
                current ? "*" : "",
                c.name(),
                c.bootstrapServers(),
                c.topicPrefix() == null ? "" : c.topicPrefix(),
                c.operator() == null ? "" : c.operator(),
                client(c)
            });
        }
        json.put("contexts", contexts);
        return mrmctl.done(
                "config get-contexts",
                json,
                contents.contexts().isEmpty() ? "no contexts in " + contents.file() : table(rows));
    }

    @Command(name = "use-context", description = "Make NAME the current context (the file's current-context).")
    int useContext(@Parameters(paramLabel = "NAME") String name) {
        Path file = existingFile();
        Contents after = checked(() -> ContextsFile.useContext(file, name));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", after.file().toString());
        json.put("currentContext", after.currentContext());
        return mrmctl.done("config use-context", json, "switched to context \"" + name + "\" in " + file);
    }

    @Command(name = "current-context", description = "Print the current context's name.")
    int currentContext() {
        Contents contents = contents();
        if (contents.currentContext() == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "current-context is not set in " + contents.file() + " (mrmctl config use-context NAME)");
        }
        checked(() -> contents.require(contents.currentContext(), "current-context"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", contents.file().toString());
        json.put("currentContext", contents.currentContext());
        return mrmctl.done("config current-context", json, contents.currentContext());
    }

    private Contents contents() {
        Path file = existingFile();
        return checked(() -> ContextsFile.read(file));
    }

    private Path existingFile() {
        Path file = mrmctl.contextsFile();
        if (file == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "there is no contexts file: make "
                            + "~/.config/mrmctl/config.yaml, or name one with --config FILE or MRMCTL_CONFIG (see mrmctl config "
                            + "--help)");
        }
        if (!Files.exists(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--config " + file + ": no such file");
        }
        return file;
    }

    private <T> T checked(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String client(Context c) {
        List<String> parts = new ArrayList<>();
        if (c.commandConfig() != null) {
            parts.add(c.commandConfig().toString());
        }
        String protocol = c.clientProperties().get("security.protocol");
        if (protocol != null) {
            parts.add(protocol);
        } else if (!c.clientProperties().isEmpty()) {
            parts.add(c.clientProperties().size() + " setting(s)");
        }
        return String.join(" ", parts);
    }

    private static String table(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        rows.forEach(r -> {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + (width[i] + 3) + "s", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString().stripTrailing();
    }
}
