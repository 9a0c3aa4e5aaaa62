package io.mrm.events.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.codec.EventJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestSigningTest {

    private final KeyPair alice = OperatorKeys.generate();
    private final KeyPair mallory = OperatorKeys.generate();
    private final Instant t = Instant.parse("2026-11-25T10:00:00.123456789Z");
    /** Kafka cluster ids of two environments. */
    static final String PRODUCTION = "MkU3OEVBNTcwNTJENDM2Qg";

    static final String STAGING = "q1Sh-9_ZSmKdPZ8lrfyh6w";

    private FreezeRequest freeze() {
        return new FreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-1");
    }

    @Test
    void aSignedRequestVerifiesWithTheSignersPublicKeyOnly() {
        OperatorRequest signed = RequestSigning.sign(freeze(), alice.getPrivate(), PRODUCTION);

        assertThat(signed.signature().algorithm()).isEqualTo("Ed25519");
        assertThat(signed.signature().nonce()).matches("[A-Za-z0-9_-]{22}");
        assertThat(signed.signature().clusterId()).isEqualTo(PRODUCTION);
        assertThat(RequestSigning.verify(signed, alice.getPublic(), PRODUCTION)).isTrue();
        assertThat(RequestSigning.verify(signed, mallory.getPublic(), PRODUCTION))
                .isFalse();
        assertThat(RequestSigning.verify(freeze(), alice.getPublic(), PRODUCTION))
                .as("unsigned")
                .isFalse();
    }

    /**
     * An operator signs a freeze against staging; someone who can write production's requests topic copies
     * the record there. Its signature is genuine, but for another environment: it does not verify, and
     * claiming production in its signature breaks it, because the cluster is in the signed bytes.
     */
    @Test
    void aStagingRequestDoesNotReplayInProduction() {
        OperatorRequest forStaging = RequestSigning.sign(freeze(), alice.getPrivate(), STAGING);
        RequestSignature sig = forStaging.signature();
        OperatorRequest relabelled =
                forStaging.withSignature(new RequestSignature(sig.algorithm(), sig.nonce(), sig.value(), PRODUCTION));

        assertThat(RequestSigning.verify(forStaging, alice.getPublic(), STAGING))
                .isTrue();
        assertThat(RequestSigning.verify(forStaging, alice.getPublic(), PRODUCTION))
                .isFalse();
        assertThat(RequestSigning.verifiesAsWritten(forStaging, alice.getPublic()))
                .as("genuine, so a refusal can say it was meant for staging")
                .isTrue();
        assertThat(RequestSigning.verify(relabelled, alice.getPublic(), PRODUCTION))
                .isFalse();
        assertThat(RequestSigning.verifiesAsWritten(relabelled, alice.getPublic()))
                .isFalse();
    }

    @Test
    void aSignatureOfTheFirstFormNamesNoEnvironmentAndNeverVerifiesForOne() {
        OperatorRequest firstForm = RequestSigning.signFirstForm(freeze(), alice.getPrivate(), "nonce-nonce-nonce-1");

        assertThat(firstForm.signature().clusterId()).isNull();
        assertThat(RequestSigning.verify(firstForm, alice.getPublic(), PRODUCTION))
                .isFalse();
        assertThat(RequestSigning.verifyFirstForm(firstForm, alice.getPublic())).isTrue();
        assertThat(RequestSigning.verifyFirstForm(
                        RequestSigning.sign(freeze(), alice.getPrivate(), PRODUCTION), alice.getPublic()))
                .as("a v2 signature is not one of the first form")
                .isFalse();
        assertThat(new String(RequestSigning.canonical(firstForm), StandardCharsets.UTF_8))
                .startsWith("mrm-operator-request-v1\nio.mrm.operator.freeze.v1\n{");
    }

    /** A request as the first form's contract sample carried it, signed by that sample's key: it still reads. */
    @Test
    void aRecordedRequestOfTheFirstFormStillVerifiesAsOneForReplay() throws Exception {
        String recorded = "{\"id\":\"req-6f1d3a8c-4e2b-4c9d-a7e5-3b0f2d9c8a14\",\"applicationId\":\"orders\","
                + "\"time\":\"2026-11-25T08:00:00Z\",\"schemaVersion\":1,\"operator\":\"ops-bot\","
                + "\"reason\":\"planned HANA maintenance in eu10, 08:00-10:00 UTC (CHG-2093)\","
                + "\"signature\":{\"algorithm\":\"Ed25519\",\"nonce\":\"js9l6nAwAqddTF_7wN1YwA\","
                + "\"value\":\"0Ghzr8AANkgn32gIA7mUXbyUa5moG5MDUgzqe/cV2EuZKIbTDJqMk23Lrfk/jJ8AkWpmB2v29EwOnf6/oLVvBA==\"}}";
        PublicKey firstSampleKey =
                OperatorKeys.publicKey("MCowBQYDK2VwAyEAcri0doenCaFZnRT4sTXx8mkAz92IAdFujW/nol868Tk=");
        FreezeRequest read = EventJson.read(recorded.getBytes(StandardCharsets.UTF_8), FreezeRequest.class);

        assertThat(RequestSigning.verifyFirstForm(read, firstSampleKey)).isTrue();
        assertThat(RequestSigning.verify(read, firstSampleKey, PRODUCTION)).isFalse();
    }

    @Test
    void theSignatureSurvivesTheWireAndCoversEveryField() throws Exception {
        FreezeRequest signed = (FreezeRequest) RequestSigning.sign(freeze(), alice.getPrivate(), PRODUCTION);
        FreezeRequest read = EventJson.read(EventJson.write(signed), FreezeRequest.class);
        assertThat(RequestSigning.verify(read, alice.getPublic(), PRODUCTION)).isTrue();

        RequestSignature sig = signed.signature();
        List<OperatorRequest> tampered = List.of(
                new FreezeRequest("req-2", "orders", t, 1, "alice", "change window CHG-1", sig),
                new FreezeRequest("req-1", "payments", t, 1, "alice", "change window CHG-1", sig),
                new FreezeRequest("req-1", "orders", t.plusNanos(1), 1, "alice", "change window CHG-1", sig),
                new FreezeRequest("req-1", "orders", t, 1, "bob", "change window CHG-1", sig),
                new FreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-2", sig),
                new FreezeRequest(
                        "req-1",
                        "orders",
                        t,
                        1,
                        "alice",
                        "change window CHG-1",
                        new RequestSignature("Ed25519", "AAAAAAAAAAAAAAAAAAAAAA", sig.value(), PRODUCTION)),
                new FreezeRequest(
                        "req-1",
                        "orders",
                        t,
                        1,
                        "alice",
                        "change window CHG-1",
                        new RequestSignature("Ed25519", sig.nonce(), sig.value(), STAGING)),
                new FreezeRequest(
                        "req-1",
                        "orders",
                        t,
                        1,
                        "alice",
                        "change window CHG-1",
                        new RequestSignature("Ed25519", sig.nonce(), sig.value())));
        tampered.forEach(r -> assertThat(RequestSigning.verify(r, alice.getPublic(), PRODUCTION))
                .as("%s", r)
                .isFalse());
        tampered.forEach(r -> assertThat(RequestSigning.verifiesAsWritten(r, alice.getPublic()))
                .as("%s", r)
                .isFalse());
    }

    @Test
    void aSignatureCannotBeMovedToAnotherRequestTypeWithTheSameFields() {
        OperatorRequest freeze = RequestSigning.sign(freeze(), alice.getPrivate(), PRODUCTION);
        UnfreezeRequest unfreeze =
                new UnfreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-1", freeze.signature());

        assertThat(RequestSigning.verify(unfreeze, alice.getPublic(), PRODUCTION))
                .isFalse();
    }

    @Test
    void theCanonicalFormIsSortedCompactAndLeavesOutOnlyTheSignatureValue() {
        OperatorRequest signed = RequestSigning.sign(freeze(), alice.getPrivate(), PRODUCTION, "nonce-nonce-nonce-1");
        String canonical = new String(RequestSigning.canonical(signed), StandardCharsets.UTF_8);

        assertThat(canonical)
                .isEqualTo("mrm-operator-request-v2\nMkU3OEVBNTcwNTJENDM2Qg\nio.mrm.operator.freeze.v1\n"
                        + "{\"applicationId\":\"orders\",\"id\":\"req-1\",\"operator\":\"alice\","
                        + "\"reason\":\"change window CHG-1\",\"schemaVersion\":1,"
                        + "\"signature\":{\"algorithm\":\"Ed25519\",\"clusterId\":\"MkU3OEVBNTcwNTJENDM2Qg\","
                        + "\"nonce\":\"nonce-nonce-nonce-1\"},"
                        + "\"time\":\"2026-11-25T10:00:00.123456789Z\"}");
        assertThatThrownBy(() -> RequestSigning.sign(freeze(), alice.getPrivate(), "staging\nprod"))
                .hasMessageContaining("cluster id");
    }

    @Test
    void theContractSamplesCarryRealSignaturesByTheSampleKey() throws Exception {
        PublicKey sampleKey;
        try (InputStream in = getClass().getResourceAsStream("/keys/ops-bot.pub")) {
            sampleKey = OperatorKeys.publicKey(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        int checked = 0;
        for (EventType<?> type : EventTypes.ALL) {
            if (OperatorRequest.class.isAssignableFrom(type.javaType())) {
                try (InputStream in = getClass().getResourceAsStream("/samples/" + type.schemaFile())) {
                    OperatorRequest sample = (OperatorRequest) EventJson.read(in.readAllBytes(), type.javaType());
                    assertThat(RequestSigning.verify(sample, sampleKey, PRODUCTION))
                            .as(type.ceType())
                            .isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(11);
    }

    @Test
    void keysRoundTripThroughPemAndOneLineAndBadKeysSayWhatIsWrongWithoutTheKey() {
        String pem = OperatorKeys.pem(alice.getPublic());
        assertThat(OperatorKeys.publicKey(pem)).isEqualTo(alice.getPublic());
        assertThat(OperatorKeys.publicKey(OperatorKeys.oneLine(alice.getPublic())))
                .isEqualTo(alice.getPublic());
        assertThat(OperatorKeys.privateKey(OperatorKeys.pem(alice.getPrivate())).getEncoded())
                .isEqualTo(alice.getPrivate().getEncoded());
        assertThat(OperatorKeys.fingerprint(alice.getPublic())).matches("SHA256:[0-9a-f]{16}");

        assertThatThrownBy(() -> OperatorKeys.publicKey("MCowBQYDK2VwAyEAnotakey"))
                .hasMessageContaining("not an Ed25519 public key");
        assertThatThrownBy(() -> OperatorKeys.publicKey(OperatorKeys.pem(alice.getPrivate())))
                .hasMessageContaining("PEM block");
        String privatePem = OperatorKeys.pem(alice.getPrivate());
        assertThatThrownBy(() -> OperatorKeys.privateKey(privatePem.replace("PRIVATE", "PUBLIC")))
                .hasMessageNotContaining(privatePem.substring(30, 60));
    }

    @Test
    void malformedSignaturesAreRefusedWhenRead() {
        String good = RequestSigning.sign(freeze(), alice.getPrivate(), PRODUCTION)
                .signature()
                .value();
        assertThatThrownBy(() -> new RequestSignature("RSA", "nonce-nonce-nonce-1", good))
                .hasMessageContaining("algorithm");
        assertThatThrownBy(() -> new RequestSignature("Ed25519", "short", good)).hasMessageContaining("nonce");
        assertThatThrownBy(() -> new RequestSignature("Ed25519", "nonce-nonce-nonce-1", good.substring(4)))
                .hasMessageContaining("value");
        assertThatThrownBy(() -> new RequestSignature("Ed25519", "nonce-nonce-nonce-1", good, "prod\nmrm"))
                .hasMessageContaining("signature.clusterId");
    }

    /**
     * Seeded random requests of every kind, with text full of what JSON escapes (quotes, backslashes,
     * control characters, line separators, astral characters): each verifies after a trip over the
     * wire, and altering any one character of its reason breaks it.
     */
    @Test
    void randomRequestsWithHostileTextVerifyAfterTheWireAndNotAfterAnEdit() throws Exception {
        java.util.Random random = new java.util.Random(20261125);
        String alphabet = "aZ09 \"\\/\n\t\u0000\u001f\u2028\u2029é€\uD83D\uDE00<>&'{}[]:,";
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder("r");
            int length = 1 + random.nextInt(60);
            while (text.length() < length) {
                int at = random.nextInt(alphabet.length());
                char c = alphabet.charAt(at);
                if (Character.isHighSurrogate(c)) {
                    text.append(c).append(alphabet.charAt(at + 1));
                } else if (!Character.isLowSurrogate(c)) {
                    text.append(c);
                }
            }
            String reason = text.toString();
            Instant time = t.plusNanos(random.nextInt(1_000_000_000));
            OperatorRequest request = switch (i % 4) {
                case 0 -> new FreezeRequest("req-" + i, "orders", time, 1, "alice", reason);
                case 1 ->
                    new ManualFailoverRequest(
                            "req-" + i,
                            "orders",
                            time,
                            1,
                            "alice",
                            "us10",
                            FailoverMode.FORCED,
                            List.of(SafetyRule.STANDBY_HEALTHY),
                            reason);
                case 2 -> new SkipStepRequest("req-" + i, "orders", time, 1, "alice", "d-" + i, i % 7, reason);
                default -> new AbortRequest("req-" + i, "orders", time, 1, "alice", "d-" + i, reason);
            };
            OperatorRequest signed = RequestSigning.sign(request, alice.getPrivate(), PRODUCTION);
            OperatorRequest read = EventJson.read(EventJson.write(signed), signed.getClass());
            assertThat(RequestSigning.verify(read, alice.getPublic(), PRODUCTION))
                    .as("request %d, reason %s", i, reason)
                    .isTrue();

            if (read instanceof FreezeRequest f) {
                String edited = f.reason().substring(0, f.reason().length() - 1) + "x";
                if (!edited.equals(f.reason())) {
                    FreezeRequest tampered = new FreezeRequest(
                            f.id(), f.applicationId(), f.time(), 1, f.operator(), edited, f.signature());
                    assertThat(RequestSigning.verify(tampered, alice.getPublic(), PRODUCTION))
                            .as("edited %d", i)
                            .isFalse();
                }
            }
        }
    }
}
