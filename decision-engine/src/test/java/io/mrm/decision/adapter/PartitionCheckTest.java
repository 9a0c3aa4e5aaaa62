package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.adapter.PartitionCheck.Refusal;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.AlertSeverity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class PartitionCheckTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final String TOPIC = "mrm.operator.requests";
    final PartitionCheck check = new PartitionCheck("decision-engine");

    static RawRecord record(String key, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_source", "/mrm/mrmctl".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "io.mrm.operator.freeze.v1".getBytes(StandardCharsets.UTF_8));
        return new RawRecord(
                TOPIC,
                partition,
                offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                headers,
                "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void partitionsExactlyLikeTheJavaProducer() {
        for (String key : new String[] {"orders", "payments", "billing", "shop", "a", "x-very-long-application-id"}) {
            for (int count : new int[] {1, 2, 3, 6, 12, 100}) {
                byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                assertThat(PartitionCheck.partitionFor(bytes, count))
                        .as(key + " over " + count)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(bytes, count));
            }
        }
    }

    @Test
    void ordersIsWhereKcatsDefaultPartitionerDoesNotPutIt() {
        // librdkafka's default (consistent_random) takes the key's CRC32 modulo the partition count
        CRC32 crc = new CRC32();
        crc.update("orders".getBytes(StandardCharsets.UTF_8));
        int kcat = (int) (crc.getValue() % 6);
        int java = PartitionCheck.partitionFor("orders".getBytes(StandardCharsets.UTF_8), 6);

        assertThat(java).isZero();
        assertThat(kcat).isEqualTo(2);
    }

    @Test
    void aRecordOnItsKeysPartitionPasses() {
        assertThat(check.check(record("orders", 0, 7), 6, NOW)).isEmpty();
        assertThat(check.check(record("billing", 3, 7), 6, NOW)).isEmpty();
    }

    @Test
    void aRecordWithoutKeyIsLeftToTheDecoder() {
        // the decoder refuses it: its key is not its body's applicationId
        assertThat(check.check(record(null, 4, 7), 6, NOW)).isEmpty();
    }

    @Test
    void aRecordOnAnotherPartitionIsDeadLetteredAndAlerted() {
        Optional<Refusal> refusal = check.check(record("orders", 2, 17), 6, NOW);

        assertThat(refusal).isPresent();
        DeadLetter deadLetter = refusal.get().deadLetter();
        assertThat(deadLetter.category()).isEqualTo(DeadLetterReason.WRONG_PARTITION);
        assertThat(deadLetter.applicationId()).isEqualTo("orders");
        assertThat(deadLetter.sourceTopic()).isEqualTo(TOPIC);
        assertThat(deadLetter.partition()).isEqualTo(2);
        assertThat(deadLetter.offset()).isEqualTo(17);
        assertThat(deadLetter.consumer()).isEqualTo("decision-engine");
        assertThat(deadLetter.reason())
                .contains("key 'orders' belongs on partition 0 of the 6 of " + TOPIC)
                .contains("arrived on partition 2 at offset 17");
        var alert = refusal.get().alert();
        assertThat(alert.code()).isEqualTo("WRONG_PARTITION");
        assertThat(alert.severity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(alert.applicationId()).isEqualTo("orders");
        assertThat(alert.time()).isEqualTo(NOW);
        assertThat(alert.message())
                .contains(TOPIC + " partition 2 offset 17")
                .contains("ce_source '/mrm/mrmctl'")
                .contains("'io.mrm.operator.freeze.v1'")
                .contains("belongs on partition 0 of 6")
                .contains("-X partitioner=murmur2_random");
    }

    @Test
    void theAlertIdIsTheRecordsCoordinates() {
        String first = check.check(record("orders", 2, 17), 6, NOW)
                .orElseThrow()
                .alert()
                .id();
        String again = check.check(record("orders", 2, 17), 6, NOW.plusSeconds(5))
                .orElseThrow()
                .alert()
                .id();
        String next = check.check(record("orders", 2, 18), 6, NOW)
                .orElseThrow()
                .alert()
                .id();
        String elsewhere = check.check(record("orders", 3, 17), 6, NOW)
                .orElseThrow()
                .alert()
                .id();

        assertThat(again).isEqualTo(first);
        assertThat(next).isNotEqualTo(first);
        assertThat(elsewhere).isNotEqualTo(first);
    }

    @Test
    void aPartitionBeyondTheCountTheEngineStartedWithIsRefused() {
        // partitions added while the engine runs: a record the producer put there by the new count
        assertThat(check.check(record("orders", 7, 0), 6, NOW)).isPresent();
    }

    @Test
    void aKeyThatIsNoApplicationIdIsShownAsBase64AndAlertedAsUnknown() {
        byte[] key = {(byte) 0xff, 0, 'A'};
        int wrong = (PartitionCheck.partitionFor(key, 6) + 1) % 6;
        RawRecord raw = new RawRecord(TOPIC, wrong, 3, key, new RecordHeaders(), null);

        Refusal refusal = check.check(raw, 6, NOW).orElseThrow();

        assertThat(refusal.alert().applicationId()).isEqualTo(DeadLetter.UNKNOWN_APPLICATION);
        assertThat(refusal.alert().message()).contains("(base64) /wBB").contains("(no ce_source)");
        assertThat(refusal.deadLetter().keyBase64()).isEqualTo("/wBB");
    }
}
