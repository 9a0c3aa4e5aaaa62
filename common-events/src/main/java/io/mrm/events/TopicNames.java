package io.mrm.events;

import java.util.regex.Pattern;

/**
 * Full topic names for one deployment: the registry's logical names behind a prefix, so that
 * several MRM installations (or test runs) can share a Kafka cluster.
 */
public record TopicNames(String prefix) {

    public static final String DEFAULT_PREFIX = "mrm.";
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,100}");

    public TopicNames {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "topic prefix '" + prefix + "' is not valid: at most 100 characters of [A-Za-z0-9._-]");
        }
    }

    public static TopicNames defaults() {
        return new TopicNames(DEFAULT_PREFIX);
    }

    public String of(Topic<?> topic) {
        return prefix + topic.logicalName();
    }

    /** The registry entry a full topic name belongs to, or null when it is not one of ours. */
    public Topic<?> topicNamed(String fullName) {
        for (Topic<?> topic : Topics.ALL) {
            if (of(topic).equals(fullName)) {
                return topic;
            }
        }
        return null;
    }
}
