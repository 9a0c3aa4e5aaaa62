package io.mrm.mrmctl.adapter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mrm.events.Require;
import io.mrm.events.TopicNames;
import io.mrm.events.text.Nearest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mrmctl's contexts file, as kubectl's kubeconfig: named contexts, each saying which cluster to reach and
 * as whom, and which one is current.
 *
 * <pre>
 * current-context: staging
 * contexts:
 *   - name: staging
 *     bootstrap-servers: kafka-0.staging.example.com:9093
 *     topic-prefix: mrm.                      # optional
 *     command-config: ~/.config/mrmctl/staging.properties   # Kafka client properties file (may hold secrets)
 *     client-properties:                      # or inline, without secrets
 *       security.protocol: SSL
 *     operator: alice@example.com
 *     key: ~/.mrm/alice.key
 * </pre>
 *
 * Read strictly: an unknown key is an error naming it and the nearest known one, so a typo cannot fall
 * back to a default; a secret inline ({@code sasl.jaas.config}, passwords, private keys) is refused; a
 * file that names a key file or a client properties file must be the owner's alone, since whoever may
 * change it could point mrmctl at their broker or their key. Paths may start with {@code ~/} and are
 * otherwise relative to the file's folder.
 */
public final class ContextsFile {

    /**
     * One named context. Null fields are not set by it.
     *
     * @param commandConfig    a Kafka client properties file, like {@code --command-config}
     * @param clientProperties Kafka client settings given inline (no secrets)
     */
    public record Context(
            String name,
            String bootstrapServers,
            String topicPrefix,
            Path commandConfig,
            Map<String, String> clientProperties,
            String operator,
            Path key) {

        public Context {
            clientProperties = Map.copyOf(clientProperties);
        }

        /** Whether it says how to reach Kafka securely (a client properties file, or inline settings). */
        public boolean setsClientSettings() {
            return commandConfig != null || !clientProperties.isEmpty();
        }
    }

    /** What a contexts file holds. */
    public record Contents(Path file, String currentContext, List<Context> contexts) {

        public Contents {
            contexts = List.copyOf(contexts);
        }

        public Optional<Context> context(String name) {
            return contexts.stream().filter(c -> c.name().equals(name)).findFirst();
        }

        /** The named context, or an error naming the file's contexts and the nearest name. */
        public Context require(String name, String asked) {
            return context(name).orElseThrow(() -> {
                List<String> names = contexts.stream().map(Context::name).toList();
                String nearest = Nearest.of(name, names)
                        .map(n -> "; did you mean " + n + "?")
                        .orElse("");
                return new IllegalArgumentException(asked + " '" + name + "' is no context of " + file
                        + (names.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", names) + ")")
                        + nearest);
            });
        }
    }

    static final Set<String> TOP_KEYS = Set.of("current-context", "contexts");
    static final Set<String> CONTEXT_KEYS = Set.of(
            "name", "bootstrap-servers", "topic-prefix", "command-config", "client-properties", "operator", "key");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern CURRENT_LINE = Pattern.compile("(?m)^current-context[ \\t]*:.*$");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ContextsFile() {}

    /**
     * Where mrmctl looks when neither {@code --config} nor {@code MRMCTL_CONFIG} names a file:
     * {@code $XDG_CONFIG_HOME/mrmctl/config.yaml}, by default {@code ~/.config/mrmctl/config.yaml}.
     */
    public static Path defaultLocation(Map<String, String> environment, String userHome) {
        String xdg = environment.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(userHome, ".config");
        return base.resolve("mrmctl").resolve("config.yaml");
    }

    /** Reads and checks the file; every problem is an IllegalArgumentException naming the file and the key. */
    public static Contents read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the contexts file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Contents contents = parse(file, text);
        boolean namesFiles = contents.contexts().stream().anyMatch(c -> c.key() != null || c.commandConfig() != null);
        String mode = OwnerOnlyFiles.openToOthers(file);
        if (namesFiles && mode != null) {
            throw new IllegalArgumentException("the contexts file " + file + " is accessible to others (mode " + mode
                    + ") and names key or client properties files: whoever may change it could point mrmctl at "
                    + "their broker or key; chmod 600 " + file);
        }
        return contents;
    }

    static Contents parse(Path file, String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid YAML: "
                    + e.getOriginalMessage().replaceAll("\\s+", " ").trim());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Contents(file, null, List.of());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping with current-context and contexts");
        }
        unknownKeys(file, "", root, TOP_KEYS);
        String current = optionalText(file, "current-context", root.get("current-context"));
        List<Context> contexts = new ArrayList<>();
        JsonNode list = root.get("contexts");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IllegalArgumentException(file + ": contexts must be a list of contexts");
            }
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Context context = context(file, "contexts[" + i + "]", list.get(i));
                if (!names.add(context.name())) {
                    throw new IllegalArgumentException(
                            file + ": contexts[" + i + "]: the name " + context.name() + " is used twice");
                }
                contexts.add(context);
            }
        }
        return new Contents(file, current, contexts);
    }

    private static Context context(Path file, String where, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(
                    file + ": " + where + " must be a mapping (name, bootstrap-servers, ...)");
        }
        unknownKeys(file, where + ".", node, CONTEXT_KEYS);
        String name = optionalText(file, where + ".name", node.get("name"));
        if (name == null) {
            throw new IllegalArgumentException(file + ": " + where + ".name is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(file + ": " + where + ".name '" + name + "' is not valid: letters, "
                    + "digits, '.', '_' and '-', at most 63");
        }
        String at = file + ": context " + name;
        String servers = optionalText(file, where + ".bootstrap-servers", node.get("bootstrap-servers"));
        if (servers == null || servers.isBlank() || servers.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(at + ": bootstrap-servers is required (host:port[,host:port...])");
        }
        String prefix = optionalText(file, where + ".topic-prefix", node.get("topic-prefix"));
        if (prefix != null) {
            try {
                new TopicNames(prefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": topic-prefix: " + e.getMessage());
            }
        }
        String operator = optionalText(file, where + ".operator", node.get("operator"));
        if (operator != null) {
            try {
                Require.operator("operator", operator);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
        }
        Path commandConfig = path(file, optionalText(file, where + ".command-config", node.get("command-config")));
        Path key = path(file, optionalText(file, where + ".key", node.get("key")));
        Map<String, String> inline = new LinkedHashMap<>();
        JsonNode props = node.get("client-properties");
        if (props != null && !props.isNull()) {
            if (!props.isObject()) {
                throw new IllegalArgumentException(
                        at + ": client-properties must be a mapping of Kafka client " + "settings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                KafkaConnection.checkInline(at + ": client-properties", e.getKey());
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new IllegalArgumentException(at + ": client-properties: " + e.getKey() + " must be a value");
                }
                inline.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Context(name, servers, prefix, commandConfig, inline, operator, key);
    }

    private static void unknownKeys(Path file, String where, JsonNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(file + ": " + where + key + " is not a setting"
                        + Nearest.of(key, known)
                                .map(n -> "; did you mean " + where + n + "?")
                                .orElse(""));
            }
        }
    }

    private static String optionalText(Path file, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(file + ": " + where + " must be a single value");
        }
        return node.asText().trim();
    }

    /** {@code ~/...} in the user's home; a relative path beside the contexts file. */
    private static Path path(Path file, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.equals("~") || value.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(value.equals("~") ? "" : value.substring(2));
        }
        Path path = Path.of(value);
        Path dir = file.toAbsolutePath().getParent();
        return path.isAbsolute() || dir == null ? path : dir.resolve(path).normalize();
    }

    /**
     * Makes {@code name} the current context: the file's {@code current-context} line is rewritten (or one is
     * added at the top), the rest of the file — comments included — stays as it was, and the file keeps its
     * mode. The new file replaces the old in one move, so a crash leaves one or the other.
     */
    public static Contents useContext(Path file, String name) {
        Contents before = read(file);
        before.require(name, "context");
        Path target;
        String text;
        try {
            target = file.toRealPath(); // a symlinked file is changed where it lives
            text = Files.readString(target, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the contexts file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Matcher current = CURRENT_LINE.matcher(text);
        String line = "current-context: " + name;
        String changed = current.find()
                ? text.substring(0, current.start()) + line + text.substring(current.end())
                : line + "\n" + text;
        Contents after;
        try {
            after = parse(file, changed);
        } catch (IllegalArgumentException e) {
            after = null;
        }
        if (after == null || !name.equals(after.currentContext())) {
            throw new IllegalArgumentException("cannot set current-context in " + file + " without rewriting it "
                    + "(it is not written one key per line); set current-context: " + name + " by hand");
        }
        write(target, changed);
        return after;
    }

    private static void write(Path target, String text) {
        Path dir = target.getParent();
        try {
            Set<PosixFilePermission> mode = null;
            try {
                mode = Files.getPosixFilePermissions(target);
            } catch (UnsupportedOperationException e) {
                // no POSIX modes here: the new file gets the folder's default
            }
            Path temp = mode == null
                    ? Files.createTempFile(dir, ".config", ".yaml")
                    : Files.createTempFile(dir, ".config", ".yaml", PosixFilePermissions.asFileAttribute(mode));
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the contexts file " + target + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }
}
