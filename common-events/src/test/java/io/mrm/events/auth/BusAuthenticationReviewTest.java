package io.mrm.events.auth;

import static io.mrm.events.auth.BusAuthenticationAttacksTest.ENV;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.NAMES;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.NOW;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.actuatorReader;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.down;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.engineReader;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.engineWriter;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.monitorA;
import static io.mrm.events.auth.BusAuthenticationAttacksTest.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusKeys.VantageSecret;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.observation.HealthObservation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A review of bus authentication by someone who can write to every MRM topic but holds no key: the
 * header's shapes, and the HMAC cache. A reader must never throw on what it reads (the engine would
 * fail its stream task on the record again and again: one record stops every application of its
 * partition), and must refuse every shape but the one its writer makes.
 */
class BusAuthenticationReviewTest {

    /**
     * A Kafka header may have a null value (on the wire: length -1), which any producer can send. The
     * decoder promises never to throw for bad input; reading the header's value as a string did.
     */
    @Test
    void aSignatureHeaderWithANullValueIsRefusedNotThrown() {
        ProducerRecord<String, byte[]> signed = engineWriter().toRecord(route(3));
        assertRefused(actuatorReader(), withHeader(signed, null), "malformed");
        ProducerRecord<String, byte[]> observation = monitorA().toRecord(down("vantage-a"));
        assertRefused(engineReader(), withHeader(observation, null), "malformed");
    }

    /** Every other shape of the header than the writer's own: refused, with the genuine signature in it. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "ed25519",
                "ed25519 engine-1",
                "ed25519  engine-1 SIG",
                " ed25519 engine-1 SIG",
                "ed25519 engine-1 SIG ",
                "ed25519 engine-1 SIG\n",
                "ED25519 engine-1 SIG",
                "ed25519 engine-1 SIG SIG",
                "ed25519\tengine-1\tSIG",
                "ed25519 engine-1\u00a0SIG",
                "ed25519 engine-\u00e9 SIG",
                "ed25519 ../engine-1 SIG",
                "hmac-sha256 engine-1 SIG"
            })
    void everyOtherShapeOfTheHeaderIsRefused(String shape) {
        ProducerRecord<String, byte[]> signed = engineWriter().toRecord(route(3));
        String genuine = new String(
                signed.headers().lastHeader(RecordAuthenticator.HEADER).value(), StandardCharsets.US_ASCII);
        String sig = genuine.split(" ")[2];
        byte[] value = shape.replace("SIG", sig).getBytes(StandardCharsets.UTF_8);
        DeadLetter refused = refused(actuatorReader(), withHeader(signed, value));
        assertThat(refused.reason()).doesNotContain(sig);
        // and the genuine one is accepted
        assertThat(actuatorReader().decode(raw(signed))).isInstanceOf(Decoded.Accepted.class);
    }

    /** Signatures of every wrong length, and a huge header: refused, nothing thrown. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 63, 65, 128, 1 << 20})
    void signaturesOfTheWrongLengthAreRefused(int length) {
        String sig = Base64.getEncoder().encodeToString(new byte[length]);
        assertRefused(
                actuatorReader(),
                withHeader(
                        engineWriter().toRecord(route(3)),
                        ("ed25519 engine-1 " + sig).getBytes(StandardCharsets.US_ASCII)),
                "");
        assertRefused(
                engineReader(),
                withHeader(
                        monitorA().toRecord(down("vantage-a")),
                        ("hmac-sha256 vantage-a-1 " + sig).getBytes(StandardCharsets.US_ASCII)),
                "");
    }

    /**
     * The per-thread HMAC cache is keyed by key id. A secret rotated under the same id (an operator's
     * mistake: the README says a new id) is a new authenticator: on the same thread, the new one must
     * use the new secret, never the old one's cached instance.
     */
    @Test
    void aSecretChangedUnderTheSameKeyIdIsNotServedFromTheCache() {
        VantageSecret old =
                new VantageSecret("vantage-a-1", "vantage-a", "o".repeat(40).getBytes(StandardCharsets.UTF_8));
        VantageSecret fresh =
                new VantageSecret("vantage-a-1", "vantage-a", "n".repeat(40).getBytes(StandardCharsets.UTF_8));
        RecordAuthenticator before = RecordAuthenticator.required(ENV, Optional.empty(), List.of(), List.of(old));
        RecordAuthenticator after = RecordAuthenticator.required(ENV, Optional.empty(), List.of(), List.of(fresh));
        EventCodec oldMonitor = new EventCodec(NAMES, URI.create("/mrm/m/1"), before);
        EventCodec newMonitor = new EventCodec(NAMES, URI.create("/mrm/m/1"), after);
        InboundDecoder oldEngine = reader(before);
        InboundDecoder newEngine = reader(after);
        HealthObservation o = down("vantage-a");
        // warm both caches on this thread, in both orders
        assertThat(oldEngine.decode(raw(oldMonitor.toRecord(o)))).isInstanceOf(Decoded.Accepted.class);
        assertThat(newEngine.decode(raw(newMonitor.toRecord(o)))).isInstanceOf(Decoded.Accepted.class);
        assertRefused(newEngine, oldMonitor.toRecord(o), "forged");
        assertRefused(oldEngine, newMonitor.toRecord(o), "forged");
    }

    /**
     * A careless operator copies one secret file for every vantage. Each vantage's key then verifies
     * the others' observations: the monitor of vantage-a, holding "its" secret, signs DOWN reports
     * for vantage-b under vantage-b's key id, and the engine accepts them as vantage-b's word (two
     * vantages: a quorum, from one compromised monitor). Refused when the keys are loaded.
     */
    @Test
    void oneSecretForTwoVantagesIsRefusedAtStart() {
        byte[] same = "one-secret-file-copied-for-every-vantage".getBytes(StandardCharsets.UTF_8);
        VantageSecret a = new VantageSecret("vantage-a-1", "vantage-a", same);
        VantageSecret b = new VantageSecret("vantage-b-1", "vantage-b", same);
        assertThatThrownBy(() -> RecordAuthenticator.required(ENV, Optional.empty(), List.of(), List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'vantage-a-1' (vantage-a) and 'vantage-b-1' (vantage-b) hold the same secret")
                .hasMessageNotContaining("one-secret-file");
        // two secrets of one vantage during a rotation may be anything, even equal
        RecordAuthenticator.required(
                ENV, Optional.empty(), List.of(), List.of(a, new VantageSecret("vantage-a-2", "vantage-a", same)));
    }

    /**
     * One key pair made once and given to the engine and to dns-actuator: dns-actuator, trusting the
     * engine's public key, holds the engine's private key and signs commands. Refused at start on both
     * sides that can see it: the actuator (its own key is the trusted engine key) and the engine (the
     * same public key trusted for two signers, or its own key trusted as an actuator's).
     */
    @Test
    void oneKeyPairForTwoSignersIsRefusedAtStart() {
        java.security.KeyPair shared = io.mrm.events.operator.OperatorKeys.generate();
        TrustedKey asEngine = new TrustedKey("engine-1", BusSigner.ENGINE, shared.getPublic());
        assertThatThrownBy(() -> RecordAuthenticator.required(
                        ENV,
                        Optional.of(new BusKeys.SigningKey("dns-1", BusSigner.DNS_ACTUATOR, shared.getPrivate())),
                        List.of(asEngine),
                        List.of()))
                .hasMessageContaining(
                        "signing key 'dns-1' (dns-actuator) is the key trusted as 'engine-1' of " + "decision-engine");
        TrustedKey asDns = new TrustedKey("dns-1", BusSigner.DNS_ACTUATOR, shared.getPublic());
        assertThatThrownBy(() -> RecordAuthenticator.required(
                        ENV,
                        Optional.of(new BusKeys.SigningKey("engine-1", BusSigner.ENGINE, shared.getPrivate())),
                        List.of(asDns),
                        List.of()))
                .hasMessageContaining("is the key trusted as 'dns-1' of dns-actuator");
        assertThatThrownBy(() -> RecordAuthenticator.required(
                        ENV,
                        Optional.empty(),
                        List.of(asEngine, new TrustedKey("hana-1", BusSigner.HANA_SYNC, shared.getPublic())),
                        List.of()))
                .hasMessageContaining("'engine-1' (decision-engine) and 'hana-1' (hana-sync) are the same public key");
        // the usual set-up, a key pair per signer, starts
        RecordAuthenticator.required(
                ENV,
                Optional.of(new BusKeys.SigningKey(
                        "dns-1",
                        BusSigner.DNS_ACTUATOR,
                        io.mrm.events.operator.OperatorKeys.generate().getPrivate())),
                List.of(asEngine),
                List.of());
    }

    /**
     * A record the broker takes (about 1 MiB) whose dead letter does not fit the dead-letter topic's
     * 1 MiB cap: the value is kept up to 512 KiB, but the headers and the key were kept whole, base64
     * (a third larger). Writing the dead letter then throws (EventCodec refuses a body over the cap),
     * out of the engine's processor: its stream task fails on the record at every restart. Anyone who
     * may write observations (a monitor's credentials) could stop the engine's partition so.
     */
    @ParameterizedTest
    @ValueSource(strings = {"one huge header", "many small headers", "control characters in header keys", "a huge key"})
    void whateverARecordCarriesItsDeadLetterFitsTheDeadLetterTopic(String shape) {
        ProducerRecord<String, byte[]> signed = engineWriter().toRecord(route(3));
        RecordHeaders headers = new RecordHeaders(signed.headers().toArray());
        byte[] key = signed.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[600 * 1024]; // over the command topic's cap: TOO_LARGE, 512 KiB kept
        switch (shape) {
            case "one huge header" -> headers.add(new RecordHeader("x-pad", new byte[400 * 1024]));
            case "many small headers" -> {
                for (int i = 0; i < 40_000; i++) {
                    headers.add(new RecordHeader("h" + i, new byte[1]));
                }
            }
            case "control characters in header keys" -> {
                for (int i = 0; i < 400; i++) {
                    headers.add(new RecordHeader(
                            String.valueOf((char) (i % 31 + 1)).repeat(1000) + i, new byte[0]));
                }
            }
            default -> key = new byte[400 * 1024];
        }
        Decoded decoded = actuatorReader().decode(new RawRecord(signed.topic(), 0, 7, key, headers, value));
        DeadLetter letter = ((Decoded.Rejected) decoded).deadLetter();
        ProducerRecord<String, byte[]> out = new EventCodec(NAMES, URI.create("/mrm/dns-actuator/1")).toRecord(letter);
        assertThat(out.value().length).isLessThanOrEqualTo(io.mrm.events.Topics.DEAD_LETTERS.maxRecordBytes());
        if (!shape.equals("a huge key")) {
            assertThat(letter.headers())
                    .containsKey(io.mrm.events.codec.DeadLetters.OMITTED_HEADERS)
                    .containsKey("ce_id"); // the envelope comes first, and is kept
        }
    }

    // ---- helpers

    private static InboundDecoder reader(RecordAuthenticator authenticator) {
        return new InboundDecoder(
                NAMES, "decision-engine", InboundLimits.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC), authenticator);
    }

    /** The record with its signature header replaced by one with this value. */
    private static ProducerRecord<String, byte[]> withHeader(ProducerRecord<String, byte[]> signed, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : signed.headers()) {
            if (!h.key().equals(RecordAuthenticator.HEADER)) {
                headers.add(h);
            }
        }
        headers.add(new RecordHeader(RecordAuthenticator.HEADER, value));
        return new ProducerRecord<>(signed.topic(), null, null, signed.key(), signed.value(), headers);
    }

    private static void assertRefused(InboundDecoder reader, ProducerRecord<String, byte[]> record, String why) {
        assertThat(refused(reader, record).reason()).contains(why);
    }

    private static DeadLetter refused(InboundDecoder reader, ProducerRecord<String, byte[]> record) {
        Decoded decoded = reader.decode(raw(record));
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        DeadLetter deadLetter = ((Decoded.Rejected) decoded).deadLetter();
        assertThat(deadLetter.category()).isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        return deadLetter;
    }

    private static RawRecord raw(ProducerRecord<String, byte[]> record) {
        return new RawRecord(
                record.topic(), 0, 7, record.key().getBytes(StandardCharsets.UTF_8), record.headers(), record.value());
    }
}
