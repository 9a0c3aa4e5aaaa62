package io.mrm.events.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mrm.events.Require;
import io.mrm.events.codec.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The policy that governed an application's following journal steps: everything the decision core
 * needs to reproduce its decisions for that application (its policy and the request authority).
 * The engine writes one before an application's first journaled step after every start, in the
 * same transaction as that step, so a replay knows which policy each step ran under.
 *
 * @param policy      the application's policy
 * @param authority   who may send requests, and how old a signed request may be
 * @param fingerprint SHA-256 (hex) of the canonical JSON of policy and authority: equal
 *                    fingerprints mean the same policy version
 */
public record PolicyRecord(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        RecordedPolicy policy,
        RecordedAuthority authority,
        String fingerprint)
        implements JournalEvent {

    public static final int SCHEMA_VERSION = 1;

    public PolicyRecord {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("policy", policy);
        Require.present("authority", authority);
        Require.text("fingerprint", fingerprint);
    }

    /**
     * The fingerprint of a policy and authority: SHA-256 over their JSON with object keys sorted
     * (lists keep their order; the writer sorts the ones that are sets).
     */
    public static String fingerprintOf(RecordedPolicy policy, RecordedAuthority authority) {
        ObjectNode both = JsonNodeFactory.instance.objectNode();
        both.set("authority", EventJson.mapper().valueToTree(authority));
        both.set("policy", EventJson.mapper().valueToTree(policy));
        try {
            byte[] canonical =
                    EventJson.mapper().writeValueAsString(sorted(both)).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint a policy", e);
        }
    }

    /** Whether the fingerprint is the one of this record's policy and authority (not altered). */
    public boolean fingerprintMatches() {
        return fingerprint.equals(fingerprintOf(policy, authority));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            fields.sort(Map.Entry.comparingByKey());
            fields.forEach(e -> out.set(e.getKey(), sorted(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }
}
