package io.mrm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.decision.policy.PolicySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Renders the settings reference at the end of {@code docs/configuration.md} from each module's
 * {@code META-INF/spring-configuration-metadata.json}, which Spring Boot's configuration processor
 * writes from the {@code @ConfigurationProperties} records and the {@code @param} javadoc of their
 * components. The processor does not descend into the elements of lists and maps (an engine's
 * {@code applications}, a monitor's {@code targets}); for those the element record's components are
 * read by reflection (name, type, {@code @DefaultValue}) and their description from the same
 * {@code @param} javadoc in the record's source, so one definition still describes every setting.
 * The decision policy (request signatures, operators, applications) is bound as plain maps and lists and
 * checked by {@link PolicySettings}; its rows come from that class's table of settings.
 */
final class ConfigurationReference {

    static final String BEGIN = "<!-- BEGIN GENERATED REFERENCE -->";
    static final String END = "<!-- END GENERATED REFERENCE -->";
    static final String REGENERATE = "./mvnw -B -q -pl deploy-check -am install -DskipTests && "
            + "./mvnw -B -pl deploy-check test -Dtest=ConfigurationReferenceTest -Dmrm.write-configuration-reference=true";
    static final Path DOCUMENT = Repo.ROOT.resolve("docs/configuration.md");
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    /** The module a metadata file came from: {@code .../<module>/target/classes/...} or {@code <module>-<version>.jar}. */
    private static final Pattern MODULE = Pattern.compile("/([a-z][a-z0-9-]*?)(?:/target/classes/|-\\d[^/]*\\.jar!/)");

    private static final int MAX_DEPTH = 6;

    private final Map<Class<?>, Map<String, String>> javadocs = new HashMap<>();

    private ConfigurationReference() {}

    /** Module name → its metadata, for every module on the class path that has some. */
    static Map<String, JsonNode> metadataByModule() {
        Map<String, JsonNode> out = new TreeMap<>();
        try {
            Enumeration<URL> urls =
                    ConfigurationReference.class.getClassLoader().getResources(METADATA);
            ObjectMapper json = new ObjectMapper();
            for (URL url : Collections.list(urls)) {
                Matcher m = MODULE.matcher(url.toString());
                if (!m.find()) {
                    continue;
                }
                String module = m.group(1);
                if (!Files.isRegularFile(Repo.ROOT.resolve(module).resolve("pom.xml"))) {
                    continue; // a library's own metadata (Spring Boot's, Spring Kafka's): not ours to document
                }
                try (InputStream in = url.openStream()) {
                    out.put(module, json.readTree(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The generated part of docs/configuration.md, markers included. */
    static String render() {
        ConfigurationReference reference = new ConfigurationReference();
        StringBuilder out = new StringBuilder(BEGIN).append('\n');
        out.append(
                        "<!-- Generated from each module's spring-configuration-metadata.json by deploy-check's ConfigurationReference;\n")
                .append("     do not edit by hand. Regenerate with:\n     ")
                .append(REGENERATE)
                .append(" -->\n\n");
        out.append(
                        "Every setting each service takes under `mrm.`, with its type and default; the descriptions are the\n")
                .append("javadoc of the configuration records. `[*]` is an element of a list, `<key>` a key of a map\n")
                .append("(an application id, a region name). Spring Boot's own settings (`spring.*`, `server.*`,\n")
                .append("`management.*`) are Spring Boot's.\n");
        Map<String, JsonNode> modules = new LinkedHashMap<>();
        JsonNode shared = metadataByModule().get("kafka-support");
        if (shared != null) {
            modules.put("kafka-support", shared); // what every service takes comes first
        }
        modules.putAll(metadataByModule());
        for (Map.Entry<String, JsonNode> module : modules.entrySet()) {
            out.append("\n### ")
                    .append(module.getKey().equals("kafka-support") ? "Every service (kafka-support)" : module.getKey())
                    .append("\n\n");
            out.append("| setting | type | default | description |\n|---|---|---|---|\n");
            List<JsonNode> properties = new ArrayList<>();
            module.getValue().path("properties").forEach(properties::add);
            properties.sort(
                    (a, b) -> a.path("name").asText().compareTo(b.path("name").asText()));
            for (JsonNode p : properties) {
                String type = p.path("type").asText("");
                reference.row(
                        out,
                        p.path("name").asText(),
                        typeName(type),
                        defaultOf(p.path("defaultValue")),
                        p.path("description").asText(""));
                reference.policyRows(out, p.path("name").asText());
                Type declared = reference.declaredType(p);
                if (declared != null) {
                    reference.expandElements(out, p.path("name").asText(), declared, 0);
                }
            }
        }
        return out.append('\n').append(END).toString();
    }

    /**
     * Rows for the decision policy's settings under a group's property ({@code mrm.decision.applications}):
     * {@link PolicySettings#GROUPS} is their one definition, which the engine binds as plain maps and lists.
     */
    private void policyRows(StringBuilder out, String property) {
        for (Map.Entry<String, List<PolicySettings.Setting>> group : PolicySettings.GROUPS.entrySet()) {
            String path = PolicySettings.PREFIX + "." + group.getKey();
            if (!path.replace("[*]", "").equals(property)) {
                continue;
            }
            for (PolicySettings.Setting setting : group.getValue()) {
                // enum values in code type, as the other services' enum settings show them
                String type = setting.type().replaceAll("(?<=[:,] )([A-Z][A-Z0-9_]*)\\b", "`$1`");
                row(
                        out,
                        path + "." + setting.key(),
                        type,
                        setting.defaultValue() == null ? "" : "`" + setting.defaultValue() + "`",
                        setting.description());
            }
        }
    }

    /** The record component's full generic type behind a metadata property, when it is a list or map of records. */
    private Type declaredType(JsonNode property) {
        String source = property.path("sourceType").asText(null);
        if (source == null) {
            return null;
        }
        Class<?> owner = load(source);
        if (owner == null || !owner.isRecord()) {
            return null;
        }
        String name = property.path("name").asText();
        String last = name.substring(name.lastIndexOf('.') + 1);
        for (RecordComponent c : owner.getRecordComponents()) {
            if (kebab(c.getName()).equals(last)) {
                return c.getGenericType();
            }
        }
        return null;
    }

    /** Rows for the components of a list's or a map's element record (and records nested in it). */
    private void expandElements(StringBuilder out, String prefix, Type type, int depth) {
        if (depth > MAX_DEPTH || !(type instanceof ParameterizedType pt)) {
            return;
        }
        Class<?> raw = (Class<?>) pt.getRawType();
        Type element;
        String path;
        if (Collection.class.isAssignableFrom(raw)) {
            element = pt.getActualTypeArguments()[0];
            path = prefix + "[*]";
        } else if (Map.class.isAssignableFrom(raw)) {
            element = pt.getActualTypeArguments()[1];
            path = prefix + ".<key>";
        } else {
            return;
        }
        if (element instanceof Class<?> c && isOurRecord(c)) {
            components(out, path, c, depth + 1);
        } else {
            expandElements(out, path, element, depth + 1); // a map of lists, a list of maps
        }
    }

    private void components(StringBuilder out, String prefix, Class<?> record, int depth) {
        Map<String, String> docs = javadoc(record);
        Constructor<?> canonical = canonical(record);
        RecordComponent[] components = record.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String name = prefix + "." + kebab(c.getName());
            Type type = c.getGenericType();
            DefaultValue defaultValue =
                    canonical == null ? null : canonical.getParameters()[i].getAnnotation(DefaultValue.class);
            String dflt = defaultValue == null || defaultValue.value().length == 0
                    ? ""
                    : "`" + String.join(",", defaultValue.value()) + "`";
            if (type instanceof Class<?> nested && isOurRecord(nested)) {
                if (docs.containsKey(c.getName())) {
                    row(out, name, typeName(nested), dflt, docs.get(c.getName()));
                }
                components(out, name, nested, depth + 1);
            } else {
                row(out, name, typeName(type), dflt, docs.getOrDefault(c.getName(), ""));
                expandElements(out, name, type, depth);
            }
        }
    }

    private void row(StringBuilder out, String name, String type, String dflt, String description) {
        out.append("| `")
                .append(name)
                .append("` | ")
                .append(cell(type))
                .append(" | ")
                .append(cell(dflt))
                .append(" | ")
                .append(cell(prose(description)))
                .append(" |\n");
    }

    private static boolean isOurRecord(Class<?> c) {
        return c.isRecord() && c.getName().startsWith("io.mrm.");
    }

    private static Constructor<?> canonical(Class<?> record) {
        Class<?>[] types = Arrays.stream(record.getRecordComponents())
                .map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            return record.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The {@code @param} tags of a record's javadoc, read from its source file. */
    private Map<String, String> javadoc(Class<?> record) {
        return javadocs.computeIfAbsent(record, ConfigurationReference::readJavadoc);
    }

    private static Map<String, String> readJavadoc(Class<?> record) {
        Class<?> top = record;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        String relative = top.getName().replace('.', '/') + ".java";
        String source = null;
        for (String module : Repo.modules()) {
            Path file = Repo.ROOT.resolve(module).resolve("src/main/java").resolve(relative);
            if (Files.isRegularFile(file)) {
                source = Repo.read(file);
                break;
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (source == null) {
            return params;
        }
        Matcher declaration = Pattern.compile("\\brecord\\s+" + Pattern.quote(record.getSimpleName()) + "\\s*[(<]")
                .matcher(source);
        if (!declaration.find()) {
            return params;
        }
        int end = source.lastIndexOf("*/", declaration.start());
        int start = end < 0 ? -1 : source.lastIndexOf("/**", end);
        // the comment belongs to this record only if nothing but annotations and modifiers stand between them
        if (start < 0
                || !source.substring(end + 2, declaration.start())
                        .matches("(?s)\\s*(@[\\w.]+(\\([^)]*\\))?\\s*|public\\s+|static\\s+|final\\s+)*")) {
            return params;
        }
        String comment = source.substring(start + 3, end).replaceAll("(?m)^\\s*\\*", " ");
        Matcher param = Pattern.compile("@param\\s+(\\w+)\\s+(.*?)(?=\\n\\s*@[a-z]+\\b|\\z)", Pattern.DOTALL)
                .matcher(comment);
        while (param.find()) {
            params.put(param.group(1), param.group(2).replaceAll("\\s+", " ").strip());
        }
        return params;
    }

    private static Class<?> load(String binaryOrCanonical) {
        String name = binaryOrCanonical;
        while (true) {
            try {
                return Class.forName(name, false, ConfigurationReference.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                int dot = name.lastIndexOf('.');
                if (dot < 0) {
                    return null;
                }
                name = name.substring(0, dot) + "$" + name.substring(dot + 1); // a nested class written with dots
            }
        }
    }

    /** {@code java.util.List<io.mrm.x.Outer$Inner>} → {@code List<Inner>}; an enum lists its values. */
    static String typeName(String metadataType) {
        if (metadataType.isEmpty()) {
            return "";
        }
        Class<?> c = metadataType.contains("<") ? null : load(metadataType);
        if (c != null && c.isEnum()) {
            return enumName(c);
        }
        return metadataType
                .replaceAll("\\b(?:[a-z_][\\w]*\\.)+", "")
                .replaceAll("\\w+\\$", "")
                .replace(",", ", ");
    }

    static String typeName(Type type) {
        if (type instanceof Class<?> c) {
            return c.isEnum() ? enumName(c) : c.isArray() ? typeName(c.getComponentType()) + "[]" : boxed(c);
        }
        if (type instanceof ParameterizedType pt) {
            return typeName(pt.getRawType())
                    + Arrays.stream(pt.getActualTypeArguments())
                            .map(ConfigurationReference::typeName)
                            .collect(Collectors.joining(", ", "<", ">"));
        }
        return type.getTypeName();
    }

    private static String boxed(Class<?> c) {
        return switch (c.getName()) {
            case "boolean" -> "Boolean";
            case "int" -> "Integer";
            case "long" -> "Long";
            case "short" -> "Short";
            case "double" -> "Double";
            default -> c.getSimpleName();
        };
    }

    private static String enumName(Class<?> c) {
        return c.getSimpleName() + ": "
                + Arrays.stream(c.getEnumConstants())
                        .map(e -> "`" + ((Enum<?>) e).name() + "`")
                        .collect(Collectors.joining(", "));
    }

    private static String defaultOf(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return "`" + String.join(",", items) + "`";
        }
        return "`" + value.asText() + "`";
    }

    /** Javadoc inline tags as Markdown. */
    static String prose(String javadoc) {
        return javadoc.replaceAll("\\{@(?:code|literal)\\s+((?:[^{}]|\\{[^{}]*})*)}", "`$1`")
                .replaceAll("\\{@link(?:plain)?\\s+([^}\\s]+)(?:\\s+([^}]*))?}", "`$1`")
                .replace("`#", "`")
                .replaceAll("\\s+", " ")
                .strip();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Spring Boot's dashed form of a property name: a dash before each upper-case letter. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch) && !out.isEmpty() && out.charAt(out.length() - 1) != '-') {
                out.append('-');
            }
            out.append(Character.toLowerCase(ch));
        }
        return out.toString();
    }

    /** docs/configuration.md with its generated part replaced by {@code generated}. */
    static String withReference(String document, String generated) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(DOCUMENT + " has no " + BEGIN + " ... " + END + " section");
        }
        return document.substring(0, begin) + generated + document.substring(end + END.length());
    }

    static String committedReference(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        return begin < 0 || end < begin ? "" : document.substring(begin, end + END.length());
    }
}
