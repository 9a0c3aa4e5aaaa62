package io.mrm.events;

/**
 * One event type: its CloudEvents {@code type}, its record class, the topic it travels on and
 * its published JSON Schema ({@code /schemas/<schemaFile>} on the classpath).
 */
public record EventType<E extends MrmEvent>(String ceType, Class<E> javaType, Topic<?> topic) {

    public EventType {
        if (!topic.valueType().isAssignableFrom(javaType)) {
            throw new IllegalArgumentException(javaType.getSimpleName() + " does not belong on " + topic.logicalName());
        }
    }

    /** e.g. {@code health.observation.v1.json} for {@code io.mrm.health.observation.v1}. */
    public String schemaFile() {
        return ceType.substring(EventTypes.TYPE_PREFIX.length()) + ".json";
    }
}
