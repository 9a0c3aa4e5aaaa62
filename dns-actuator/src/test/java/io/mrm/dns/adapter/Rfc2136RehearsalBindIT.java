package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.Rfc2136DnsRouter.Application;
import io.mrm.dns.adapter.Rfc2136DnsRouter.RecordType;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Settings;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Transport;
import io.mrm.dns.adapter.Rfc2136DnsRouter.TsigKey;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsReadinessChecker;
import io.mrm.dns.domain.Pacing;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A drill's DNS steps against a real BIND 9 ({@link Bind9Extension}): a rehearsal runs the readiness checks
 * of its step and says what it would have done, and the zone is read back with plain queries afterwards
 * (its SOA serial, the record, the fencing token) to prove that nothing was written. Each test uses its own
 * name.
 */
class Rfc2136RehearsalBindIT {

    static final String ZONE = "drill.test";
    static final List<String> NAMES = List.of("shop", "verify", "after", "stale", "again", "broken");

    @RegisterExtension
    static final Bind9Extension BIND = new Bind9Extension(
            ZONE,
            "shop CNAME shop.region-a",
            "verify CNAME verify.region-a",
            "after CNAME after.region-a",
            "stale CNAME stale.region-a",
            "again CNAME again.region-a",
            "broken CNAME broken.region-a");

    static Settings settings(String secret, int port, Transport transport, Duration answerBound) {
        Map<String, Application> apps = new LinkedHashMap<>();
        for (String app : NAMES) {
            Map<String, List<String>> targets = new LinkedHashMap<>();
            for (String region : List.of("region-a", "region-b")) {
                targets.put(region, List.of(app + "." + region + "." + ZONE));
            }
            apps.put(
                    app,
                    new Application(
                            Rfc2136DnsRouterBindIT.name(ZONE),
                            Rfc2136DnsRouterBindIT.name(app + "." + ZONE),
                            RecordType.CNAME,
                            targets,
                            "_mrm-epoch"));
        }
        return new Settings(
                "127.0.0.1",
                port,
                transport,
                answerBound,
                Duration.ofSeconds(60),
                new TsigKey(
                        Rfc2136DnsRouterBindIT.name(Bind9Extension.KEY_NAME),
                        TsigKey.algorithm("hmac-sha256"),
                        SecretReference.env("TSIG", Map.of("TSIG", secret))),
                apps);
    }

    static DnsCommandHandler handler(Settings settings) {
        Rfc2136DnsRouter router = new Rfc2136DnsRouter(settings);
        Clock clock = Clock.systemUTC();
        DnsReadinessChecker checker = new DnsReadinessChecker(new Rfc2136ReadinessProbe(router), router, clock);
        // the bound is for a saturated machine, not an expectation
        return new DnsCommandHandler(
                router, clock, Pacing.ONCE, new Rehearsal(checker, clock, Duration.ofSeconds(60), Duration.ZERO));
    }

    static DnsCommandHandler handler() {
        return handler(settings(BIND.secret(), BIND.port(), Transport.TCP, Bind9Extension.ANSWER_BOUND));
    }

    static DnsRouteCommand route(String app, long epoch, boolean rehearsal) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                (rehearsal ? "drill-" : "route-") + app + "-" + epoch,
                app,
                now,
                1,
                new StepRef("decision-" + epoch, epoch, 4, 1, now.plusSeconds(120), rehearsal),
                "region-b");
    }

    @Test
    void aRehearsedRouteSaysWhatItWouldDoAndChangesNothing() throws Exception {
        long serial = serial();

        CommandAck ack = handler().handle(route("shop", 9, true));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail())
                .startsWith("would route shop from region-a to region-b and write fencing token 9")
                .contains("shop.region-b." + ZONE + ".], TTL 60 s", "NXRRSET", "changed nothing");
        assertThat(ack.observed())
                .containsEntry("rehearsal", "true")
                .containsEntry("changed", "false")
                .containsEntry("checkedRegion", "region-b")
                .containsEntry("check.update-permission", "READY")
                .containsKeys("ms.update-permission", "ms.zone-soa");
        assertThat(ack.fenceEpoch()).as("a rehearsal does not move the fence").isZero();
        assertThat(serial()).as("SOA serial: no update was applied").isEqualTo(serial);
        assertThat(cnameTarget("shop")).isEqualTo("shop.region-a." + ZONE + ".");
        assertThat(resolve("_mrm-epoch.shop." + ZONE, Type.TXT))
                .as("no fencing token")
                .isEmpty();
        assertThat(BIND.log()).doesNotContain("adding an RR at 'shop." + ZONE, "adding an RR at '_mrm-epoch.shop.");
    }

    @Test
    void aRehearsedVerifySaysWhatItWouldCheckAndChangesNothing() throws Exception {
        long serial = serial();
        Instant now = Instant.now();
        DnsVerifyCommand verify = new DnsVerifyCommand(
                "drill-verify",
                "verify",
                now,
                1,
                new StepRef("decision-3", 3, 5, 1, now.plusSeconds(120), true),
                "region-b");

        CommandAck ack = handler().handle(verify);

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail()).startsWith("would verify that verify's name answers with region-b");
        assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("check.resolver", "READY");
        assertThat(serial()).isEqualTo(serial);
        assertThat(cnameTarget("verify")).isEqualTo("verify.region-a." + ZONE + ".");
    }

    @Test
    void aRehearsalRecordsNoEpochSoALowerRealCommandStillRuns() throws Exception {
        DnsCommandHandler handler = handler();
        assertThat(handler.handle(route("after", 9, true)).outcome()).isEqualTo(AckOutcome.SUCCEEDED);

        CommandAck real = handler.handle(route("after", 8, false));

        assertThat(real.outcome()).as(real.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(cnameTarget("after")).isEqualTo("after.region-b." + ZONE + ".");
    }

    @Test
    void aRehearsalBelowAnEpochSeenIsStale() throws Exception {
        DnsCommandHandler handler = handler();
        assertThat(handler.handle(route("stale", 5, false)).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        long serial = serial();

        CommandAck ack = handler.handle(route("stale", 4, true));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(ack.fenceEpoch()).isEqualTo(5);
        assertThat(serial()).isEqualTo(serial);
    }

    @Test
    void aRedeliveredRehearsalIsAnsweredAlikeAndStillChangesNothing() throws Exception {
        DnsCommandHandler handler = handler();
        long serial = serial();

        CommandAck first = handler.handle(route("again", 2, true));
        CommandAck second = handler.handle(route("again", 2, true));

        assertThat(second.id()).as("same command, same ack id").isEqualTo(first.id());
        assertThat(second.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(serial()).isEqualTo(serial);
    }

    @Test
    void aWrongKeyMakesTheRehearsalFatalWithTheChecksReason() throws Exception {
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        String secret = Base64.getEncoder().encodeToString(wrong);

        CommandAck ack = handler(settings(secret, BIND.port(), Transport.TCP, Bind9Extension.ANSWER_BOUND))
                .handle(route("broken", 3, true));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.NOT_READY);
        assertThat(ack.detail()).contains("BADSIG", "fix the secret").doesNotContain(secret, BIND.secret());
        assertThat(cnameTarget("broken")).isEqualTo("broken.region-a." + ZONE + ".");
    }

    @Test
    void aServerThatNeverAnswersMakesTheRehearsalRetriable() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            CommandAck ack = handler(
                            settings(BIND.secret(), silent.getLocalPort(), Transport.UDP, Duration.ofMillis(300)))
                    .handle(route("broken", 3, true));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(ack.errorCode()).isEqualTo(Rehearsal.UNKNOWN);
            assertThat(ack.detail()).contains(Rfc2136Errors.TIMEOUT);
        }
    }

    private static String cnameTarget(String app) throws IOException {
        List<Record> records = resolve(app + "." + ZONE, Type.CNAME);
        assertThat(records).hasSize(1);
        return ((CNAMERecord) records.get(0)).getTarget().toString();
    }

    private static long serial() throws IOException {
        return ((SOARecord) resolve(ZONE, Type.SOA).get(0)).getSerial();
    }

    private static List<Record> resolve(String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(BIND.address());
        resolver.setTimeout(Bind9Extension.ANSWER_BOUND);
        Message answer =
                resolver.send(Message.newQuery(Record.newRecord(Rfc2136DnsRouterBindIT.name(name), type, DClass.IN)));
        return answer.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type)
                .toList();
    }
}
