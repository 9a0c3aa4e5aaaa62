package io.mrm.mrmctl.adapter;

import io.mrm.audit.AuditRecord;
import io.mrm.audit.AuditTimeline;
import io.mrm.audit.Undecodable;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.Decoded;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Reads MRM's topics for the audit (see {@link TopicSnapshot}: up to the end offsets taken when
 * reading starts, from the beginning or from a time). A record that does not decode is handed to
 * the timeline as {@link Undecodable}, never an error; of the topics only the decisions topic must
 * exist.
 */
public final class TopicReader {

    /** Every topic but the engine's journal, which {@link #readForAudit} reads first. */
    public static final List<Topic<?>> AUDITED =
            Topics.ALL.stream().filter(t -> t != Topics.ENGINE_JOURNAL).toList();

    private final TopicSnapshot snapshot;

    public TopicReader(KafkaConnection connection, TopicNames names) {
        this.snapshot = new TopicSnapshot(connection, names, "mrmctl-audit");
    }

    /**
     * The engine's journal first (which acknowledgements and observations it took), then every other
     * topic; without a journal topic the inputs are not checked, and the timeline says so.
     */
    public void readForAudit(Instant from, Instant deadline, AuditTimeline timeline) {
        if (read(List.of(Topics.ENGINE_JOURNAL), from, deadline, timeline)) {
            timeline.checkInputsAgainstJournal();
        }
        read(AUDITED, from, deadline, timeline);
    }

    /**
     * Reads {@code topics} into {@code timeline}; false when one of them does not exist.
     *
     * @param from     start at the first record whose timestamp is at or after this, or null for the beginning
     * @param deadline give up (KafkaUnavailableException) when the end is not reached by then
     */
    public boolean read(List<Topic<?>> topics, Instant from, Instant deadline, AuditTimeline timeline) {
        TopicSnapshot.Result result = snapshot.read(
                topics,
                topics.contains(Topics.DECISIONS) ? Set.of(Topics.DECISIONS) : Set.of(),
                from,
                deadline,
                (topic, partition, offset, decoded) -> {
                    if (decoded instanceof Decoded.Accepted ok) {
                        timeline.add(new AuditRecord(topic, partition, offset, ok.event()));
                    } else if (decoded instanceof Decoded.Rejected no) {
                        timeline.undecodable(new Undecodable(
                                topic, partition, offset, no.deadLetter().reason()));
                    }
                });
        if (!result.missingTopics().isEmpty()) {
            timeline.note("not read (no such topic): " + String.join(", ", result.missingTopics()));
        }
        return result.missingTopics().isEmpty();
    }
}
