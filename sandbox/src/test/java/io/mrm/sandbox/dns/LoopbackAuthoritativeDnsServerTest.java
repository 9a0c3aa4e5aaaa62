package io.mrm.sandbox.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.dns.adapter.Rfc2136DnsRouter;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Application;
import io.mrm.dns.adapter.Rfc2136DnsRouter.RecordType;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Settings;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Transport;
import io.mrm.dns.adapter.Rfc2136DnsRouter.TsigKey;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsState;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.kafka.SecretReference;
import io.mrm.testsupport.RequiredTools;
import io.mrm.testsupport.RequiredTools.Tool;
import java.io.File;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The sandbox's DNS server driven by the real RFC 2136 router (the one that runs against BIND in
 * dns-actuator's tests) and read with plain resolver queries and, when installed, {@code dig}.
 */
class LoopbackAuthoritativeDnsServerTest {

    static final Name ZONE = name("sandbox.test");
    static final Name KEY = name("mrm-sandbox");
    final byte[] secret = random();
    final LoopbackAuthoritativeDnsServer server;

    LoopbackAuthoritativeDnsServerTest() throws Exception {
        server = new LoopbackAuthoritativeDnsServer(
                ZONE,
                KEY,
                TSIG.HMAC_SHA256,
                secret,
                List.of(
                        new CNAMERecord(name("shop.sandbox.test"), DClass.IN, 60, name("shop.region-a.sandbox.test")),
                        new ARecord(
                                name("shop.region-a.sandbox.test"), DClass.IN, 60, InetAddress.getLoopbackAddress()),
                        new ARecord(
                                name("shop.region-b.sandbox.test"), DClass.IN, 60, InetAddress.getLoopbackAddress())));
    }

    @AfterEach
    void close() {
        server.close();
    }

    Rfc2136DnsRouter router(Transport transport, Name keyName, byte[] key) {
        return new Rfc2136DnsRouter(new Settings(
                "127.0.0.1",
                server.port(),
                transport,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                new TsigKey(
                        keyName,
                        TSIG.HMAC_SHA256,
                        SecretReference.env("K", Map.of("K", Base64.getEncoder().encodeToString(key)))),
                Map.of(
                        "shop",
                        new Application(
                                ZONE,
                                name("shop.sandbox.test"),
                                RecordType.CNAME,
                                Map.of(
                                        "region-a", List.of("shop.region-a.sandbox.test"),
                                        "region-b", List.of("shop.region-b.sandbox.test")),
                                "_mrm-epoch"))));
    }

    Rfc2136DnsRouter router(Transport transport) {
        return router(transport, KEY, secret);
    }

    static DnsRouteCommand route(long epoch, String region) {
        return new DnsRouteCommand(
                "c-" + epoch + "-" + region,
                "shop",
                Instant.now(),
                1,
                new StepRef("d-" + epoch, epoch, 0, 1, Instant.now().plusSeconds(30)),
                region);
    }

    @Test
    void anAddressQueryFollowsTheCnameInsideTheZone() throws Exception {
        Message answer = query("shop.sandbox.test", Type.A);

        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getSection(Section.ANSWER))
                .extracting(Record::getType)
                .containsExactly(Type.CNAME, Type.A);
        assertThat(query("nothing.sandbox.test", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(query("shop.sandbox.test", Type.TXT).getSection(Section.AUTHORITY))
                .extracting(Record::getType)
                .containsExactly(Type.SOA);
        assertThat(query("example.com", Type.A).getRcode()).as("no recursion").isEqualTo(Rcode.REFUSED);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theRouterSwitchesTheNameOverEitherTransport(Transport transport) throws Exception {
        long serial = server.serial();

        CommandAck ack = new DnsCommandHandler(router(transport), Clock.systemUTC()).handle(route(1, "region-b"));

        assertThat(ack.outcome()).as(ack.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(target()).isEqualTo("shop.region-b.sandbox.test.");
        assertThat(query("_mrm-epoch.shop.sandbox.test", Type.TXT).getSection(Section.ANSWER))
                .singleElement()
                .satisfies(r -> assertThat(((TXTRecord) r).getStrings()).containsExactly("epoch=1"));
        assertThat(server.serial()).isEqualTo(serial + 1);
        assertThat(query("shop.sandbox.test", Type.CNAME)
                        .getSection(Section.ANSWER)
                        .get(0)
                        .getTTL())
                .isEqualTo(5);
    }

    @Test
    void anUpdateWhosePrerequisitesFailChangesNothing() throws Exception {
        Rfc2136DnsRouter router = router(Transport.UDP);
        DnsState read = router.current("shop");
        router.routeTo("shop", "region-b", 4, read);
        long serial = server.serial();

        assertThatThrownBy(() -> router.routeTo("shop", "region-a", 5, read))
                .isInstanceOf(DnsFencedException.class)
                .hasMessageContaining("prerequisite failed");
        assertThatThrownBy(() -> router.routeTo("shop", "region-a", 5, new DnsState("region-b", 3)))
                .isInstanceOf(DnsFencedException.class);

        assertThat(server.serial()).isEqualTo(serial);
        assertThat(router.current("shop")).isEqualTo(new DnsState("region-b", 4));
    }

    @Test
    void aTokenThatAlreadyExistsFailsAnAbsencePrerequisite() throws Exception {
        Update update = new Update(ZONE);
        update.absent(name("_mrm-epoch.shop.sandbox.test"), Type.TXT);
        update.add(new TXTRecord(name("_mrm-epoch.shop.sandbox.test"), DClass.IN, 60, "epoch=1"));
        assertThat(send(update, signer(KEY, secret)).getRcode()).isEqualTo(Rcode.NOERROR);

        assertThat(send(update, signer(KEY, secret)).getRcode()).isEqualTo(Rcode.YXRRSET);
    }

    @Test
    void unsignedUpdatesAreRefusedAndBadSignaturesAreNotAuthorized() throws Exception {
        Update update = new Update(ZONE);
        update.delete(name("shop.sandbox.test"), Type.CNAME);

        assertThat(send(update, null).getRcode()).isEqualTo(Rcode.REFUSED);
        Message badSig = send(update, signer(KEY, random()));
        assertThat(badSig.getRcode()).isEqualTo(Rcode.NOTAUTH);
        assertThat(badSig.getTSIG().getError()).isEqualTo(Rcode.BADSIG);
        assertThat(send(update, signer(name("stranger"), secret)).getTSIG().getError())
                .isEqualTo(Rcode.BADKEY);
        assertThat(target()).isEqualTo("shop.region-a.sandbox.test.");
        assertThat(server.updates()).isZero();
    }

    @Test
    void theRouterReportsAWrongKeyAsFatal() {
        assertThatThrownBy(() -> router(Transport.TCP, KEY, random()).current("shop"))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.code()).isEqualTo("BADSIG");
                });
    }

    @Test
    void digSeesTheSwitchOverUdpAndTcp() throws Exception {
        Optional<Path> dig = dig();
        RequiredTools.skipReason(
                        new Tool(
                                "dig",
                                "apt-get install bind9-dnsutils",
                                "the check of the sandbox DNS server's answers with dig"),
                        dig.isPresent())
                .ifPresent(Assumptions::abort);
        new DnsCommandHandler(router(Transport.TCP), Clock.systemUTC()).handle(route(2, "region-b"));

        assertThat(dig(dig.get(), "shop.sandbox.test", "A")).isEqualTo("shop.region-b.sandbox.test.\n127.0.0.1");
        assertThat(dig(dig.get(), "+tcp", "_mrm-epoch.shop.sandbox.test", "TXT"))
                .isEqualTo("\"epoch=2\"");
    }

    private String target() throws Exception {
        List<Record> answer = query("shop.sandbox.test", Type.CNAME).getSection(Section.ANSWER);
        assertThat(answer).hasSize(1);
        return ((CNAMERecord) answer.get(0)).getTarget().toString();
    }

    private Message query(String name, int type) throws Exception {
        return send(Message.newQuery(Record.newRecord(name(name), type, DClass.IN)), null);
    }

    private Message send(Message message, TSIG tsig) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTimeout(Duration.ofSeconds(2));
        resolver.setTSIGKey(tsig);
        return resolver.send(message);
    }

    private static TSIG signer(Name keyName, byte[] key) {
        return new TSIG(TSIG.HMAC_SHA256, keyName, key);
    }

    private String dig(Path dig, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                dig.toString(), "+short", "+time=2", "+tries=1", "-p", Integer.toString(server.port()), "@127.0.0.1"));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    static Optional<Path> dig() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, "dig"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    static byte[] random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
