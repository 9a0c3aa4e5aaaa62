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

    private FreezeRequest freeze() {
        return new FreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-1");
    }

    @Test
    void aSignedRequestVerifiesWithTheSignersPublicKeyOnly() {
        OperatorRequest signed = RequestSigning.sign(freeze(), alice.getPrivate());

        assertThat(signed.signature().algorithm()).isEqualTo("Ed25519");
        assertThat(signed.signature().nonce()).matches("[A-Za-z0-9_-]{22}");
        assertThat(RequestSigning.verify(signed, alice.getPublic())).isTrue();
        assertThat(RequestSigning.verify(signed, mallory.getPublic())).isFalse();
        assertThat(RequestSigning.verify(freeze(), alice.getPublic())).as("unsigned").isFalse();
    }

    @Test
    void theSignatureSurvivesTheWireAndCoversEveryField() throws Exception {
        FreezeRequest signed = (FreezeRequest) RequestSigning.sign(freeze(), alice.getPrivate());
        FreezeRequest read = EventJson.read(EventJson.write(signed), FreezeRequest.class);
        assertThat(RequestSigning.verify(read, alice.getPublic())).isTrue();

        RequestSignature sig = signed.signature();
        List<OperatorRequest> tampered = List.of(
                new FreezeRequest("req-2", "orders", t, 1, "alice", "change window CHG-1", sig),
                new FreezeRequest("req-1", "payments", t, 1, "alice", "change window CHG-1", sig),
                new FreezeRequest("req-1", "orders", t.plusNanos(1), 1, "alice", "change window CHG-1", sig),
                new FreezeRequest("req-1", "orders", t, 1, "bob", "change window CHG-1", sig),
                new FreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-2", sig),
                new FreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-1",
                        new RequestSignature("Ed25519", "AAAAAAAAAAAAAAAAAAAAAA", sig.value())));
        tampered.forEach(r -> assertThat(RequestSigning.verify(r, alice.getPublic())).as("%s", r).isFalse());
    }

    @Test
    void aSignatureCannotBeMovedToAnotherRequestTypeWithTheSameFields() {
        OperatorRequest freeze = RequestSigning.sign(freeze(), alice.getPrivate());
        UnfreezeRequest unfreeze = new UnfreezeRequest("req-1", "orders", t, 1, "alice", "change window CHG-1",
                freeze.signature());

        assertThat(RequestSigning.verify(unfreeze, alice.getPublic())).isFalse();
    }

    @Test
    void theCanonicalFormIsSortedCompactAndLeavesOutOnlyTheSignatureValue() {
        OperatorRequest signed = RequestSigning.sign(freeze(), alice.getPrivate(), "nonce-nonce-nonce-1");
        String canonical = new String(RequestSigning.canonical(signed), StandardCharsets.UTF_8);

        assertThat(canonical).isEqualTo("mrm-operator-request-v1\nio.mrm.operator.freeze.v1\n"
                + "{\"applicationId\":\"orders\",\"id\":\"req-1\",\"operator\":\"alice\","
                + "\"reason\":\"change window CHG-1\",\"schemaVersion\":1,"
                + "\"signature\":{\"algorithm\":\"Ed25519\",\"nonce\":\"nonce-nonce-nonce-1\"},"
                + "\"time\":\"2026-11-25T10:00:00.123456789Z\"}");
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
                    assertThat(RequestSigning.verify(sample, sampleKey)).as(type.ceType()).isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(10);
    }

    @Test
    void keysRoundTripThroughPemAndOneLineAndBadKeysSayWhatIsWrongWithoutTheKey() {
        String pem = OperatorKeys.pem(alice.getPublic());
        assertThat(OperatorKeys.publicKey(pem)).isEqualTo(alice.getPublic());
        assertThat(OperatorKeys.publicKey(OperatorKeys.oneLine(alice.getPublic()))).isEqualTo(alice.getPublic());
        assertThat(OperatorKeys.privateKey(OperatorKeys.pem(alice.getPrivate())).getEncoded())
                .isEqualTo(alice.getPrivate().getEncoded());
        assertThat(OperatorKeys.fingerprint(alice.getPublic())).matches("SHA256:[0-9a-f]{16}");

        assertThatThrownBy(() -> OperatorKeys.publicKey("MCowBQYDK2VwAyEAnotakey")).hasMessageContaining("not an Ed25519 public key");
        assertThatThrownBy(() -> OperatorKeys.publicKey(OperatorKeys.pem(alice.getPrivate())))
                .hasMessageContaining("PEM block");
        String privatePem = OperatorKeys.pem(alice.getPrivate());
        assertThatThrownBy(() -> OperatorKeys.privateKey(privatePem.replace("PRIVATE", "PUBLIC")))
                .hasMessageNotContaining(privatePem.substring(30, 60));
    }

    @Test
    void malformedSignaturesAreRefusedWhenRead() {
        String good = RequestSigning.sign(freeze(), alice.getPrivate()).signature().value();
        assertThatThrownBy(() -> new RequestSignature("RSA", "nonce-nonce-nonce-1", good)).hasMessageContaining("algorithm");
        assertThatThrownBy(() -> new RequestSignature("Ed25519", "short", good)).hasMessageContaining("nonce");
        assertThatThrownBy(() -> new RequestSignature("Ed25519", "nonce-nonce-nonce-1", good.substring(4)))
                .hasMessageContaining("value");
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
                case 1 -> new ManualFailoverRequest("req-" + i, "orders", time, 1, "alice", "us10",
                        FailoverMode.FORCED, List.of(SafetyRule.STANDBY_HEALTHY), reason);
                case 2 -> new SkipStepRequest("req-" + i, "orders", time, 1, "alice", "d-" + i, i % 7, reason);
                default -> new AbortRequest("req-" + i, "orders", time, 1, "alice", "d-" + i, reason);
            };
            OperatorRequest signed = RequestSigning.sign(request, alice.getPrivate());
            OperatorRequest read = EventJson.read(EventJson.write(signed), signed.getClass());
            assertThat(RequestSigning.verify(read, alice.getPublic())).as("request %d, reason %s", i, reason).isTrue();

            if (read instanceof FreezeRequest f) {
                String edited = f.reason().substring(0, f.reason().length() - 1) + "x";
                if (!edited.equals(f.reason())) {
                    FreezeRequest tampered = new FreezeRequest(f.id(), f.applicationId(), f.time(), 1, f.operator(),
                            edited, f.signature());
                    assertThat(RequestSigning.verify(tampered, alice.getPublic())).as("edited %d", i).isFalse();
                }
            }
        }
    }
}
