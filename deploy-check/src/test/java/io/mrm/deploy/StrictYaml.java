package io.mrm.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Jackson set up to refuse what it does not know. fabric8's and Strimzi's model classes keep unknown
 * fields in an {@code additionalProperties} map through {@code @JsonAnySetter}, so a misspelt field
 * would parse silently; here that any-setter is ignored and an unknown field is an error naming its path.
 */
final class StrictYaml {

    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }

                @Override
                @SuppressWarnings("deprecation")
                public boolean hasAnySetterAnnotation(AnnotatedMethod am) {
                    return false;
                }
            })
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private StrictYaml() {}

    /** Every document of a YAML file (empty documents, e.g. a leading comment block, are left out). */
    static List<JsonNode> documents(Path file) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            try (var parser = MAPPER.getFactory().createParser(Files.readString(file))) {
                var it = MAPPER.readValues(parser, JsonNode.class);
                while (it.hasNextValue()) {
                    JsonNode doc = it.nextValue();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                        docs.add(doc);
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tree as {@code type}; an unknown or mistyped field fails with its path. */
    static <T> T convert(JsonNode node, Class<T> type, String where) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                    ? " (at " + mapping.getPathReference() + ")"
                    : "";
            throw new IllegalArgumentException(
                    where + ": not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage() + at, e);
        }
    }
}
