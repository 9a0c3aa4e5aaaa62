package io.mrm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.mrm.events.codec.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published JSON Schemas, the JSON samples and the Java records describe the same contract:
 * the same fields, the same required fields, the same constraints. A producer in another language
 * that follows a schema file is read by the Java consumers, and what Java writes passes the schema.
 */
class SchemaContractTest {

    private static final String SCHEMAS = "/schemas/";
    private static final String SAMPLES = "/samples/";
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    /** Alert's private code pattern, repeated here on purpose: a change must be made in both places. */
    private static final String ALERT_CODE = "[A-Z][A-Z0-9_]{0,63}";
    /** What the schemas use for Require.text's "not blank". */
    private static final String NOT_BLANK = "\\S";

    private static final ObjectMapper JSON = EventJson.mapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();

    static Stream<Named<EventType<?>>> types() {
        return EventTypes.ALL.stream().map(type -> Named.of(type.ceType(), type));
    }

    // ---------------------------------------------------------------- files

    @ParameterizedTest
    @MethodSource("types")
    void schemaAndSampleExist(EventType<?> type) {
        assertThat(SchemaContractTest.class.getResource(SCHEMAS + type.schemaFile()))
                .as("schema %s", type.schemaFile())
                .isNotNull();
        assertThat(SchemaContractTest.class.getResource(SAMPLES + type.schemaFile()))
                .as("sample %s", type.schemaFile())
                .isNotNull();
    }

    @ParameterizedTest
    @MethodSource("types")
    void schemaIsAValidSelfContainedDraft202012Schema(EventType<?> type) {
        JsonNode schema = schemaTree(type);

        assertThat(schema.path("$schema").asText()).isEqualTo(DRAFT_2020_12);
        assertThat(schema.path("$id").asText()).isEqualTo("urn:mrm:schema:" + type.ceType());
        assertThat(schema.path("title").asText()).isEqualTo(type.javaType().getSimpleName());
        assertThat(schema.path("description").asText())
                .contains(type.ceType())
                .contains(type.topic().logicalName());
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(allValues(schema, "$ref"))
                .as("only local references, so one file is enough")
                .allSatisfy(ref -> assertThat(ref).startsWith("#/$defs/"));
        assertThat(allValues(schema, "$ref"))
                .allSatisfy(ref -> assertThat(schema.at(ref.substring(1)).isMissingNode())
                        .as("%s resolves", ref)
                        .isFalse());

        Schema metaSchema = REGISTRY.getSchema(SchemaLocation.of(DRAFT_2020_12));
        assertThat(metaSchema.validate(text(schema), InputFormat.JSON)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("types")
    void schemaAllowsUnknownFieldsEverywhere(EventType<?> type) {
        JsonNode schema = schemaTree(type);
        for (Level level : levels(type)) {
            assertThat(level.schema().path("additionalProperties").isBoolean()
                            && level.schema().path("additionalProperties").booleanValue())
                    .as("%s at '%s' declares additionalProperties: true", type.ceType(), level.pointer())
                    .isTrue();
        }
        assertThat(schema.path("additionalProperties").asBoolean(false)).isTrue();
    }

    @Test
    void everySchemaFileAndSampleBelongsToARegisteredType() throws Exception {
        Set<String> registered =
                EventTypes.ALL.stream().map(EventType::schemaFile).collect(Collectors.toSet());

        assertThat(listJsonFiles(SCHEMAS)).containsExactlyInAnyOrderElementsOf(registered);
        assertThat(listJsonFiles(SAMPLES)).containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void everyEventClassAllowedOnATopicIsRegistered() {
        Set<Class<?>> registered =
                EventTypes.ALL.stream().map(EventType::javaType).collect(Collectors.toSet());
        Set<Class<?>> permitted = Topics.ALL.stream()
                .flatMap(topic -> Arrays.stream(topic.valueType().getPermittedSubclasses()))
                .flatMap(SchemaContractTest::concreteSubclasses)
                .collect(Collectors.toSet());

        assertThat(registered).containsExactlyInAnyOrderElementsOf(permitted);
        assertThat(EventTypes.ALL.stream().map(EventType::schemaFile).distinct())
                .hasSize(EventTypes.ALL.size());
    }

    // ---------------------------------------------------------------- sample against schema and record

    @ParameterizedTest
    @MethodSource("types")
    void sampleValidatesAgainstTheSchema(EventType<?> type) {
        assertThat(validate(type, sample(type))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("types")
    void sampleReadsIntoTheRecordAndWritesBackUnchanged(EventType<?> type) throws IOException {
        ObjectNode sample = sample(type);

        MrmEvent event = EventJson.read(bytes(sample), type.javaType());

        assertThat(event).isInstanceOf(type.javaType());
        assertThat(EventTypes.forClass(event.getClass())).isSameAs(type);
        assertThat(JSON.readTree(EventJson.write(event))).isEqualTo(sample);
    }

    @ParameterizedTest
    @MethodSource("types")
    void whatJavaWritesValidatesAgainstTheSchema(EventType<?> type) throws IOException {
        MrmEvent event = EventJson.read(bytes(sample(type)), type.javaType());

        assertThat(validate(type, JSON.readTree(EventJson.write(event)))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("types")
    void sampleSetsEveryFieldSoThatOptionalOnesAreCoveredToo(EventType<?> type) {
        ObjectNode sample = sample(type);
        for (Level level : levels(type)) {
            // In a list, it is enough that one of the elements sets the field.
            List<JsonNode> objects = level.pointer().endsWith("/0")
                    ? StreamSupport.stream(
                                    sample.at(level.pointer()
                                                    .substring(
                                                            0, level.pointer().length() - 2))
                                            .spliterator(),
                                    false)
                            .toList()
                    : List.of(sample.at(level.pointer()));
            for (RecordComponent component : level.recordType().getRecordComponents()) {
                assertThat(objects.stream().anyMatch(object -> object.has(component.getName())))
                        .as("sample %s sets %s%s", type.schemaFile(), level.pointer(), "/" + component.getName())
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void sampleWithUnknownFieldsStillValidatesAndReads(EventType<?> type) throws IOException {
        ObjectNode extended = sample(type);
        for (Level level : levels(type)) {
            ObjectNode object = (ObjectNode) extended.at(level.pointer());
            object.put("addedInAFutureVersion", "x");
            object.putObject("futureNested").putArray("values").add(1).add("two");
        }

        assertThat(validate(type, extended)).isEmpty();
        MrmEvent event = EventJson.read(bytes(extended), type.javaType());
        assertThat(JSON.readTree(EventJson.write(event))).isEqualTo(sample(type));
    }

    // ---------------------------------------------------------------- fields and required fields

    @ParameterizedTest
    @MethodSource("types")
    void schemaPropertiesAreTheRecordComponents(EventType<?> type) {
        for (Level level : levels(type)) {
            List<String> properties = fieldNames(level.schema().path("properties"));
            assertThat(properties)
                    .as("%s properties at '%s'", type.ceType(), level.pointer())
                    .containsExactlyInAnyOrderElementsOf(componentNames(level.recordType()));
        }
    }

    /**
     * Removes each field in turn (of the event and of its nested records) and asks the record: the
     * ones it refuses to do without must be exactly the schema's {@code required}, and the schema
     * must agree on each removal.
     */
    @ParameterizedTest
    @MethodSource("types")
    void schemaRequiresExactlyWhatTheConstructorRefusesToMiss(EventType<?> type) {
        SoftAssertions softly = new SoftAssertions();
        for (Level level : levels(type)) {
            Set<String> refused = new LinkedHashSet<>();
            for (RecordComponent component : level.recordType().getRecordComponents()) {
                ObjectNode without = sample(type);
                ((ObjectNode) without.at(level.pointer())).remove(component.getName());
                boolean javaAccepts = javaAccepts(type, without);
                if (!javaAccepts) {
                    refused.add(component.getName());
                }
                if (component.getType().isPrimitive()) {
                    softly.assertThat(javaAccepts)
                            .as(
                                    "%s: a missing primitive %s%s is not read as 0/false",
                                    type.ceType(), level.pointer(), "/" + component.getName())
                            .isFalse();
                }
                softly.assertThat(validate(type, without).isEmpty())
                        .as(
                                "%s without %s%s: schema agrees with the record (record accepts: %s)",
                                type.ceType(), level.pointer(), "/" + component.getName(), javaAccepts)
                        .isEqualTo(javaAccepts);
            }
            softly.assertThat(fieldNames(level.schema().path("required")))
                    .as("%s required at '%s'", type.ceType(), level.pointer())
                    .containsExactlyInAnyOrderElementsOf(refused);
        }
        softly.assertAll();
    }

    // ---------------------------------------------------------------- constraints

    /**
     * For every constraint a field's schema states (pattern, enum, length, minimum, maximum,
     * date-time, non-blank), a value just outside it is refused by both the schema and the record.
     */
    @ParameterizedTest
    @MethodSource("types")
    void schemaAndRecordRefuseTheSameBadValues(EventType<?> type) {
        JsonNode root = schemaTree(type);
        SoftAssertions softly = new SoftAssertions();
        int probes = 0;
        for (Level level : levels(type)) {
            JsonNode properties = level.schema().path("properties");
            for (String field : fieldNames(properties)) {
                for (JsonNode bad : badValues(resolve(root, properties.path(field)))) {
                    ObjectNode mutated = sample(type);
                    ((ObjectNode) mutated.at(level.pointer())).set(field, bad);
                    String what = type.ceType() + " " + level.pointer() + "/" + field + " = " + abbreviate(bad);
                    softly.assertThat(validate(type, mutated))
                            .as("schema refuses %s", what)
                            .isNotEmpty();
                    softly.assertThat(javaAccepts(type, mutated))
                            .as("record refuses %s", what)
                            .isFalse();
                    probes++;
                }
            }
        }
        softly.assertAll();
        assertThat(probes).as("every event has constrained fields").isGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("types")
    void patternsAndLengthsAreThoseOfRequire(EventType<?> type) {
        JsonNode schema = schemaTree(type);
        Set<String> allowed = Set.of(
                anchored(Require.EVENT_ID.pattern()),
                anchored(Require.NAME.pattern()),
                anchored(Require.OPERATOR.pattern()),
                anchored(ALERT_CODE),
                NOT_BLANK,
                anchored(Require.NONCE.pattern()),
                anchored(Require.ED25519_SIGNATURE.pattern()),
                anchored(Require.CLUSTER_ID.pattern()));

        assertThat(allValues(schema, "pattern"))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(allowed).contains(p));
        assertThat(allValues(schema, "maxLength"))
                .allSatisfy(max -> assertThat(max).isEqualTo(String.valueOf(Require.MAX_TEXT)));
        assertThat(resolve(schema, schema.at("/properties/id")).path("pattern").asText())
                .isEqualTo(anchored(Require.EVENT_ID.pattern()));
        assertThat(resolve(schema, schema.at("/properties/applicationId"))
                        .path("pattern")
                        .asText())
                .isEqualTo(anchored(Require.NAME.pattern()));
        assertThat(resolve(schema, schema.at("/properties/time")).path("format").asText())
                .isEqualTo("date-time");
        assertThat(resolve(schema, schema.at("/properties/schemaVersion"))
                        .path("minimum")
                        .asInt())
                .isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("types")
    void enumsListExactlyTheJavaConstants(EventType<?> type) {
        JsonNode root = schemaTree(type);
        for (Level level : levels(type)) {
            for (RecordComponent component : level.recordType().getRecordComponents()) {
                Class<?> enumType = component.getType().isEnum() ? component.getType() : listElement(component);
                if (enumType == null || !enumType.isEnum()) {
                    continue;
                }
                JsonNode property =
                        resolve(root, level.schema().path("properties").path(component.getName()));
                if (property.path("type").asText().equals("array")) {
                    property = resolve(root, property.path("items"));
                }
                List<String> constants = Arrays.stream(enumType.getEnumConstants())
                        .map(constant -> ((Enum<?>) constant).name())
                        .toList();
                assertThat(textValues(property.path("enum")))
                        .as("%s %s", type.ceType(), component.getName())
                        .containsExactlyElementsOf(constants);
            }
        }
    }

    static Stream<Arguments> crossFieldRules() {
        return Stream.of(
                arguments(
                        "io.mrm.topology.state.v1",
                        "",
                        "standbyRegion",
                        "eu10",
                        "standbyRegion must differ from activeRegion, both are 'eu10'"),
                arguments(
                        "io.mrm.command.data.drain.v1",
                        "",
                        "toRegion",
                        "eu10",
                        "toRegion must differ from fromRegion, both are 'eu10'"),
                arguments(
                        "io.mrm.command.data.reprotect.v1",
                        "",
                        "toRegion",
                        "us10",
                        "toRegion must differ from fromRegion, both are 'us10'"),
                arguments(
                        "io.mrm.command.events.drain.v1",
                        "",
                        "toRegion",
                        "eu10",
                        "toRegion must differ from fromRegion, both are 'eu10'"),
                arguments(
                        "io.mrm.decision.failover.v1",
                        "",
                        "toRegion",
                        "eu10",
                        "fromRegion and toRegion must differ, both are eu10"),
                arguments(
                        "io.mrm.decision.failover.v1",
                        "/plan/1",
                        "peerRegion",
                        "eu10",
                        "peerRegion must differ from region, both are 'eu10'"),
                arguments("io.mrm.decision.failover.v1", "/plan/1", "index", 2, "plan[1].index must be 1"),
                arguments(
                        "io.mrm.decision.failover.v1",
                        "/plan/1",
                        "hook",
                        "month-end-close",
                        "hook: only a hook step (HOOK, PREFLIGHT_HOOK) names a hook, DATA_DRAIN named 'month-end-close'"),
                arguments(
                        "io.mrm.command.hook.run.v1",
                        "",
                        "toRegion",
                        "eu10",
                        "toRegion must differ from fromRegion, both are 'eu10'"),
                arguments(
                        "io.mrm.ack.command.v1",
                        "",
                        "actuator",
                        "HANA",
                        "actuator HANA does not execute action DNS_ROUTE (DNS does)"));
    }

    /**
     * Rules between two fields, which JSON Schema cannot state: the schema describes them in the
     * field's description, and the record enforces them.
     */
    @ParameterizedTest(name = "{0} {1}/{2}")
    @MethodSource("crossFieldRules")
    void crossFieldRulesAreDescribedInTheSchemaAndEnforcedByTheRecord(
            String ceType, String pointer, String field, Object value, String message) {
        EventType<?> type = EventTypes.forCeType(ceType);
        ObjectNode mutated = sample(type);
        ((ObjectNode) mutated.at(pointer)).set(field, JSON.valueToTree(value));

        assertThat(propertySchema(schemaTree(type), pointer, field)
                        .path("description")
                        .asText())
                .contains("must");
        assertThat(validate(type, mutated))
                .as("beyond what JSON Schema can check")
                .isEmpty();
        assertThatThrownBy(() -> EventJson.read(bytes(mutated), type.javaType()))
                .isInstanceOf(ValueInstantiationException.class)
                .cause()
                .hasMessage(message);
    }

    // ---------------------------------------------------------------- helpers

    /** The property schema (as written, its {@code $ref} not followed) of {@code field} in the object at {@code pointer}. */
    private static JsonNode propertySchema(JsonNode root, String pointer, String field) {
        JsonNode object = root;
        for (String segment :
                pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/")) {
            object = segment.chars().allMatch(Character::isDigit)
                    ? resolve(root, object.path("items"))
                    : resolve(root, object.path("properties").path(segment));
        }
        return object.path("properties").path(field);
    }

    /** One JSON object of the event that maps onto a record: the event itself or a nested record. */
    record Level(String pointer, Class<?> recordType, JsonNode schema) {}

    /** The event and every nested record reachable from it (lists: their first element). */
    private static List<Level> levels(EventType<?> type) {
        JsonNode root = schemaTree(type);
        List<Level> levels = new ArrayList<>();
        collect(root, new Level("", type.javaType(), root), sample(type), levels);
        return levels;
    }

    private static void collect(JsonNode root, Level level, JsonNode sample, List<Level> out) {
        out.add(level);
        for (RecordComponent component : level.recordType().getRecordComponents()) {
            JsonNode property = level.schema().path("properties").path(component.getName());
            String pointer = level.pointer() + "/" + component.getName();
            if (component.getType().isRecord()) {
                collect(root, new Level(pointer, component.getType(), resolve(root, property)), sample, out);
            } else if (listElement(component) != null && listElement(component).isRecord()) {
                JsonNode items = resolve(root, resolve(root, property).path("items"));
                assertThat(sample.at(pointer).size())
                        .as("sample has at least one %s", pointer)
                        .isPositive();
                collect(root, new Level(pointer + "/0", listElement(component), items), sample, out);
            }
        }
    }

    private static Class<?> listElement(RecordComponent component) {
        if (component.getType() == List.class && component.getGenericType() instanceof ParameterizedType generic) {
            return (Class<?>) generic.getActualTypeArguments()[0];
        }
        return null;
    }

    private static JsonNode resolve(JsonNode root, JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            current = root.at(current.get("$ref").asText().substring(1));
            assertThat(current.isMissingNode()).as("reference resolves").isFalse();
        }
        return current;
    }

    private static List<JsonNode> badValues(JsonNode property) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        List<JsonNode> bad = new ArrayList<>();
        if (property.has("enum")) {
            bad.add(nodes.textNode("NOT_A_VALUE"));
            bad.add(nodes.numberNode(0)); // not an ordinal either
        }
        if (property.has("pattern")) {
            if (property.get("pattern").asText().equals(NOT_BLANK)) {
                bad.add(nodes.textNode("   "));
            } else {
                bad.add(nodes.textNode("not valid!"));
                bad.add(nodes.textNode("a".repeat(200)));
            }
        }
        if (property.has("maxLength")) {
            bad.add(nodes.textNode("x".repeat(property.get("maxLength").asInt() + 1)));
        }
        if (property.has("minimum")) {
            bad.add(nodes.numberNode(property.get("minimum").bigIntegerValue().subtract(BigInteger.ONE)));
        }
        if (property.has("maximum")) {
            bad.add(nodes.numberNode(property.get("maximum").bigIntegerValue().add(BigInteger.ONE)));
        }
        if ("date-time".equals(property.path("format").asText())) {
            bad.add(nodes.textNode("25.11.2026 10:00"));
        }
        if ("boolean".equals(property.path("type").asText())) {
            bad.add(nodes.textNode("maybe"));
        }
        if ("array".equals(property.path("type").asText())) {
            ArrayNode withNull = nodes.arrayNode();
            withNull.addNull();
            bad.add(withNull);
        }
        if ("object".equals(property.path("type").asText()) && property.has("additionalProperties")) {
            ObjectNode withNull = nodes.objectNode();
            withNull.putNull("key");
            bad.add(withNull);
        }
        if (property.has("minItems")) {
            bad.add(nodes.arrayNode());
        }
        return bad;
    }

    private static List<Error> validate(EventType<?> type, JsonNode instance) {
        Schema schema = COMPILED.computeIfAbsent(
                type.schemaFile(), file -> REGISTRY.getSchema(resource(SCHEMAS + file), InputFormat.JSON));
        return schema.validate(text(instance), InputFormat.JSON);
    }

    private static boolean javaAccepts(EventType<?> type, JsonNode json) {
        try {
            return EventJson.read(bytes(json), type.javaType()) != null;
        } catch (IOException refused) {
            return false;
        }
    }

    private static JsonNode schemaTree(EventType<?> type) {
        return tree(SCHEMAS + type.schemaFile());
    }

    /** A fresh, mutable copy of the sample. */
    private static ObjectNode sample(EventType<?> type) {
        return (ObjectNode) tree(SAMPLES + type.schemaFile());
    }

    private static JsonNode tree(String path) {
        try {
            return JSON.readTree(resource(path));
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = SchemaContractTest.class.getResourceAsStream(path)) {
            assertThat(in).as("resource %s", path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    private static Set<String> listJsonFiles(String directory) throws IOException, URISyntaxException {
        URL url = SchemaContractTest.class.getResource(directory);
        assertThat(url).as("directory %s", directory).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static Stream<Class<?>> concreteSubclasses(Class<?> type) {
        return type.isSealed()
                ? Arrays.stream(type.getPermittedSubclasses()).flatMap(SchemaContractTest::concreteSubclasses)
                : Stream.of(type);
    }

    /** Every value of a keyword anywhere in the schema, as text. */
    private static List<String> allValues(JsonNode node, String keyword) {
        List<String> values = new ArrayList<>();
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getKey().equals(keyword) && entry.getValue().isValueNode()) {
                    values.add(entry.getValue().asText());
                } else {
                    values.addAll(allValues(entry.getValue(), keyword));
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> values.addAll(allValues(element, keyword)));
        }
        return values;
    }

    private static List<String> fieldNames(JsonNode node) {
        if (node.isArray()) {
            return textValues(node);
        }
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static List<String> textValues(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    private static List<String> componentNames(Class<?> recordType) {
        return Arrays.stream(recordType.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
    }

    private static String anchored(String pattern) {
        return "^" + pattern + "$";
    }

    private static byte[] bytes(JsonNode json) {
        return EventJson.write(json);
    }

    private static String text(JsonNode json) {
        return new String(bytes(json), StandardCharsets.UTF_8);
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
