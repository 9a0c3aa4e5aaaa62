package io.mrm.events.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusKeys.VantageSecret;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.OperatorKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Each attack an adversary with write access to a topic would try, against the real codec and
 * decoder: the record is refused as {@link DeadLetterReason#UNAUTHENTICATED} with a reason that
 * says why. Every test also shows that the same record, honestly signed, is accepted, so none of
 * them passes because everything is refused.
 */
class BusAuthenticationAttacksTest {

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    static final TopicNames NAMES = new TopicNames("mrm.");
    static final String ENV = "prod-eu";

    static final KeyPair ENGINE = OperatorKeys.generate();
    static final KeyPair ENGINE_NEXT = OperatorKeys.generate();
    static final KeyPair DNS = OperatorKeys.generate();
    static final KeyPair HANA = OperatorKeys.generate();
    static final KeyPair INTRUDER = OperatorKeys.generate();
    static final VantageSecret VANTAGE_A = new VantageSecret("vantage-a-1", "vantage-a", secret('a'));
    static final VantageSecret VANTAGE_B = new VantageSecret("vantage-b-1", "vantage-b", secret('b'));

    static final List<TrustedKey> TRUSTED = List.of(
            new TrustedKey("engine-1", BusSigner.ENGINE, ENGINE.getPublic()),
            new TrustedKey("dns-1", BusSigner.DNS_ACTUATOR, DNS.getPublic()),
            new TrustedKey("hana-1", BusSigner.HANA_SYNC, HANA.getPublic()));

    // ---- who writes

    static EventCodec engineWriter() {
        return writer(Optional.of(new SigningKey("engine-1", BusSigner.ENGINE, ENGINE.getPrivate())), List.of(), ENV);
    }

    static EventCodec dnsActuatorWriter() {
        return writer(Optional.of(new SigningKey("dns-1", BusSigner.DNS_ACTUATOR, DNS.getPrivate())), List.of(), ENV);
    }

    static EventCodec monitorA() {
        return writer(Optional.empty(), List.of(VANTAGE_A), ENV);
    }

    static EventCodec writer(Optional<SigningKey> key, List<VantageSecret> vantages, String env) {
        return new EventCodec(
                NAMES, URI.create("/mrm/test/1"), RecordAuthenticator.required(env, key, List.of(), vantages));
    }

    // ---- who reads

    static InboundDecoder actuatorReader() {
        return new InboundDecoder(
                NAMES,
                "dns-actuator",
                InboundLimits.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC),
                RecordAuthenticator.required(ENV, Optional.empty(), TRUSTED, List.of()));
    }

    static InboundDecoder engineReader() {
        return new InboundDecoder(
                NAMES,
                "decision-engine",
                InboundLimits.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC),
                RecordAuthenticator.required(ENV, Optional.empty(), TRUSTED, List.of(VANTAGE_A, VANTAGE_B)));
    }

    // ---- the events

    static DnsRouteCommand route(long epoch) {
        return new DnsRouteCommand(
                "c-1",
                "orders",
                NOW,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-1", epoch, 0, 1, NOW.plusSeconds(30)),
                "us10");
    }

    static CommandAck ack(Actuator actuator, StepAction action) {
        return new CommandAck(
                "a-1",
                "orders",
                NOW,
                CommandAck.SCHEMA_VERSION,
                "c-1",
                new StepRef("d-1", 3, 1, 1, NOW.plusSeconds(30)),
                actuator,
                action,
                AckOutcome.SUCCEEDED,
                null,
                "done",
                10,
                Map.of(),
                3L);
    }

    static HealthObservation down(String vantage) {
        return new HealthObservation(
                "o-" + vantage,
                "orders",
                NOW,
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                vantage,
                HealthStatus.DOWN,
                5000L,
                "GET /health timed out");
    }

    // ---- the attacks

    @Test
    void aForgedCommandWithTheHighestEpochIsRefusedNotStoredAsTheFence() {
        DnsRouteCommand forged = route(Long.MAX_VALUE);
        // unsigned, as any client with write access to the topic would send it
        assertRefused(actuatorReader(), new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(forged), "not signed");
        // signed by an actuator's key (a compromised actuator)
        assertRefused(
                actuatorReader(),
                withSignature(forged, "ed25519", "dns-1", DNS),
                "of dns-actuator, but only " + "decision-engine may");
        // signed by a key nobody trusts, named like the engine's
        assertRefused(actuatorReader(), withSignature(forged, "ed25519", "engine-1", INTRUDER), "forged");
        assertAccepted(actuatorReader(), engineWriter().toRecord(forged));
    }

    /**
     * The class of the attack, not one example: every command type of the registry, on its topic, unsigned or
     * signed by an actuator, is refused by an actuator's reader (a new actuator's topic cannot be left out).
     */
    @Test
    void everyCommandTypeOfEveryActuatorIsRefusedUnlessTheEngineSignedIt() throws Exception {
        List<io.mrm.events.EventType<?>> commandTypes = io.mrm.events.EventTypes.ALL.stream()
                .filter(t -> io.mrm.events.command.StepCommand.class.isAssignableFrom(t.javaType()))
                .toList();
        assertThat(commandTypes)
                .extracting(t -> t.topic().logicalName())
                .contains("commands.dns", "commands.hana", "commands.aem", "commands.hook");
        for (io.mrm.events.EventType<?> type : commandTypes) {
            io.mrm.events.MrmEvent command;
            try (java.io.InputStream in = getClass().getResourceAsStream("/samples/" + type.schemaFile())) {
                command = io.mrm.events.codec.EventJson.read(in.readAllBytes(), type.javaType());
            }
            assertRefused(
                    actuatorReader(), new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(command), "not signed");
            assertRefused(
                    actuatorReader(),
                    withSignature(command, "ed25519", "dns-1", DNS),
                    "of dns-actuator, but only " + "decision-engine may");
        }
    }

    @Test
    void aForgedPromoteCannotSkipToTheNewPrimary() {
        DataPromoteCommand forged = new DataPromoteCommand(
                "c-2",
                "orders",
                NOW,
                DataPromoteCommand.SCHEMA_VERSION,
                new StepRef("d-1", 3, 4, 1, NOW.plusSeconds(30)),
                "us10",
                FailoverMode.GRACEFUL);
        assertRefused(actuatorReader(), withSignature(forged, "ed25519", "hana-1", HANA), "only decision-engine may");
        assertAccepted(actuatorReader(), engineWriter().toRecord(forged));
    }

    @Test
    void aForgedSucceededAckForTheDrainIsRefused() {
        CommandAck forged = ack(Actuator.HANA, StepAction.DATA_DRAIN);
        assertRefused(engineReader(), new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(forged), "not signed");
        // another actuator's key does not speak for hana-sync
        assertRefused(engineReader(), dnsSignedAs(forged), "of dns-actuator, but only hana-sync may");
        assertRefused(engineReader(), withSignature(forged, "ed25519", "hana-1", INTRUDER), "forged");
        assertThatThrownBy(() -> dnsActuatorWriter().toRecord(forged))
                .as("the codec will not sign for another actuator")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only hana-sync may");
    }

    @Test
    void aForgedSucceededAckForSetStandbyIsRefused() {
        CommandAck forged = ack(Actuator.AEM, StepAction.EVENTS_SET_STANDBY);
        // no aem-sync key is trusted in this deployment at all
        assertRefused(engineReader(), withSignature(forged, "ed25519", "aem-1", INTRUDER), "not a trusted key");
        CommandAck honest = ack(Actuator.DNS, StepAction.DNS_ROUTE);
        assertAccepted(engineReader(), dnsActuatorWriter().toRecord(honest));
    }

    @Test
    void observationsUnderMadeUpVantageNamesAreRefused() {
        HealthObservation forged = down("made-up-1");
        assertRefused(engineReader(), new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(forged), "not signed");
        // a real vantage's key does not speak for a name it was not given
        assertRefused(
                engineReader(),
                macAs(forged, VANTAGE_A),
                "key of vantage 'vantage-a' but speaks for vantage " + "'made-up-1'");
        assertAccepted(engineReader(), monitorA().toRecord(down("vantage-a")));
    }

    @Test
    void aCompromisedMonitorCannotSpeakForAnotherVantage() {
        HealthObservation asB = down("vantage-b");
        assertThatThrownBy(() -> monitorA().toRecord(asB))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no secret for vantage 'vantage-b'");
        assertRefused(engineReader(), macAs(asB, VANTAGE_A), "speaks for vantage 'vantage-b'");
        // with a secret of its own making, under B's key id
        VantageSecret guessed = new VantageSecret("vantage-b-1", "vantage-b", secret('z'));
        assertRefused(engineReader(), macAs(asB, guessed), "forged");
    }

    @Test
    void aTamperedBodyDoesNotVerify() {
        ProducerRecord<String, byte[]> signed = engineWriter().toRecord(route(3));
        String body = new String(signed.value(), StandardCharsets.UTF_8).replace("\"epoch\":3", "\"epoch\":9");
        assertThat(body).contains("\"epoch\":9");
        assertRefused(
                actuatorReader(),
                new ProducerRecord<>(
                        signed.topic(),
                        null,
                        null,
                        signed.key(),
                        body.getBytes(StandardCharsets.UTF_8),
                        signed.headers()),
                "forged");
    }

    @Test
    void aRecordSignedInStagingDoesNotVerifyInProduction() {
        EventCodec staging = writer(
                Optional.of(new SigningKey("engine-1", BusSigner.ENGINE, ENGINE.getPrivate())),
                List.of(),
                "staging-eu");
        assertRefused(actuatorReader(), staging.toRecord(route(3)), "forged");
    }

    @Test
    void aSignedRecordCopiedToAnotherTopicDoesNotVerify() {
        // the same command, signed, replayed under another deployment's topic prefix on the same cluster
        ProducerRecord<String, byte[]> signed = engineWriter().toRecord(route(3));
        TopicNames other = new TopicNames("other.");
        InboundDecoder otherReader = new InboundDecoder(
                other,
                "dns-actuator",
                InboundLimits.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC),
                RecordAuthenticator.required(ENV, Optional.empty(), TRUSTED, List.of()));
        ProducerRecord<String, byte[]> moved = new ProducerRecord<>(
                "other." + signed.topic().substring(4), null, null, signed.key(), signed.value(), signed.headers());
        Decoded decoded = otherReader.decode(raw(moved));
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).deadLetter().reason()).contains("forged");
    }

    @Test
    void twoSignaturesOnOneRecordAreRefused() {
        ProducerRecord<String, byte[]> signed = engineWriter().toRecord(route(3));
        RecordHeaders headers = new RecordHeaders(signed.headers().toArray());
        headers.add(new RecordHeader(
                RecordAuthenticator.HEADER, "ed25519 engine-1 AAAA".getBytes(StandardCharsets.US_ASCII)));
        assertRefused(
                actuatorReader(),
                new ProducerRecord<>(signed.topic(), null, null, signed.key(), signed.value(), headers),
                "malformed");
    }

    @Test
    void duringAKeyRolloverBothEngineKeysVerify() {
        List<TrustedKey> both = List.of(
                new TrustedKey("engine-1", BusSigner.ENGINE, ENGINE.getPublic()),
                new TrustedKey("engine-2", BusSigner.ENGINE, ENGINE_NEXT.getPublic()));
        InboundDecoder reader = new InboundDecoder(
                NAMES,
                "dns-actuator",
                InboundLimits.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC),
                RecordAuthenticator.required(ENV, Optional.empty(), both, List.of()));
        EventCodec next = writer(
                Optional.of(new SigningKey("engine-2", BusSigner.ENGINE, ENGINE_NEXT.getPrivate())), List.of(), ENV);
        assertAccepted(reader, engineWriter().toRecord(route(3)));
        assertAccepted(reader, next.toRecord(route(3)));
        // once the old key is removed, what it signs is refused
        assertRefused(actuatorReader(), next.toRecord(route(3)), "not a trusted key");
    }

    @Test
    void aServiceCannotSignWhatIsNotItsToWrite() {
        // the engine holds no vantage secret: it cannot publish an observation
        assertThatThrownBy(() -> engineWriter().toRecord(down("vantage-a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no secret for vantage 'vantage-a'");
        // a monitor holds no signing key: it cannot publish a command
        assertThatThrownBy(() -> monitorA().toRecord(route(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only decision-engine may");
    }

    @Test
    void withAuthenticationOffNothingIsSignedOrChecked() {
        ProducerRecord<String, byte[]> plain = new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(route(3));
        assertThat(plain.headers().lastHeader(RecordAuthenticator.HEADER)).isNull();
        assertAccepted(
                new InboundDecoder(NAMES, "dns-actuator", InboundLimits.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC)),
                plain);
    }

    @Test
    void theAuthenticatedBytesAreTheDocumentedOnes() throws Exception {
        // computed here from the format README and RecordAuthenticator document, not through the code under test:
        // a change of the format would break every deployment's rolling upgrade, so it must not pass unnoticed
        HealthObservation observation = down("vantage-a");
        ProducerRecord<String, byte[]> record = monitorA().toRecord(observation);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.writeBytes(("mrm-bus-v1\n" + ENV + "\n" + record.topic() + "\n" + record.key() + "\n"
                        + "io.mrm.health.observation.v1\n" + observation.id() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(record.value());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret('a'), "HmacSHA256"));
        String header = new String(
                record.headers().lastHeader(RecordAuthenticator.HEADER).value(), StandardCharsets.US_ASCII);

        assertThat(header)
                .isEqualTo("hmac-sha256 vantage-a-1 "
                        + java.util.Base64.getEncoder().encodeToString(mac.doFinal(expected.toByteArray())));
    }

    // ---- helpers

    private static void assertRefused(InboundDecoder reader, ProducerRecord<String, byte[]> record, String why) {
        Decoded decoded = reader.decode(raw(record));
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        DeadLetter deadLetter = ((Decoded.Rejected) decoded).deadLetter();
        assertThat(deadLetter.category()).isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        assertThat(deadLetter.reason()).contains(why);
    }

    private static void assertAccepted(InboundDecoder reader, ProducerRecord<String, byte[]> record) {
        Decoded decoded = reader.decode(raw(record));
        assertThat(decoded).as(decoded.toString()).isInstanceOf(Decoded.Accepted.class);
    }

    /** The record as an unsigned writer makes it, with a signature header computed by the attacker. */
    private static ProducerRecord<String, byte[]> withSignature(
            MrmEvent event, String scheme, String keyId, KeyPair key) {
        RecordAuthenticator attacker = RecordAuthenticator.required(
                ENV, Optional.of(new SigningKey(keyId, BusSigner.ENGINE, key.getPrivate())), List.of(), List.of());
        ProducerRecord<String, byte[]> plain = new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(event);
        String type = new String(plain.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
        // sign as if it were a command topic record, whatever the topic: the bytes are the same shape
        RecordHeader header = (RecordHeader) attacker.sign(
                io.mrm.events.Topics.DNS_COMMANDS,
                plain.topic(),
                plain.key(),
                type,
                event.id(),
                plain.value(),
                route(1));
        String value = new String(header.value(), StandardCharsets.US_ASCII).replaceFirst("^ed25519", scheme);
        plain.headers().add(RecordAuthenticator.HEADER, value.getBytes(StandardCharsets.US_ASCII));
        return plain;
    }

    private static ProducerRecord<String, byte[]> dnsSignedAs(CommandAck ack) {
        return withSignature(ack, "ed25519", "dns-1", DNS);
    }

    private static ProducerRecord<String, byte[]> macAs(HealthObservation observation, VantageSecret secret) {
        ProducerRecord<String, byte[]> plain = new EventCodec(NAMES, URI.create("/mrm/x/1")).toRecord(observation);
        RecordAuthenticator attacker = RecordAuthenticator.required(
                ENV,
                Optional.empty(),
                List.of(),
                List.of(new VantageSecret(secret.id(), observation.vantage(), secret.secret())));
        plain.headers()
                .add(attacker.sign(
                        io.mrm.events.Topics.OBSERVATIONS,
                        plain.topic(),
                        plain.key(),
                        "io.mrm.health.observation.v1",
                        observation.id(),
                        plain.value(),
                        observation));
        return plain;
    }

    private static RawRecord raw(ProducerRecord<String, byte[]> record) {
        return new RawRecord(
                record.topic(), 0, 7, record.key().getBytes(StandardCharsets.UTF_8), record.headers(), record.value());
    }

    private static byte[] secret(char c) {
        return String.valueOf(c).repeat(40).getBytes(StandardCharsets.UTF_8);
    }
}
