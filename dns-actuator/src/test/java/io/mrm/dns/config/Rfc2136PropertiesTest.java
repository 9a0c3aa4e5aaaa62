package io.mrm.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.dns.adapter.Rfc2136DnsRouter;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Transport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Bound by Spring's own binder from the keys an operator writes, then checked. */
class Rfc2136PropertiesTest {

    static Map<String, String> valid() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("mrm.dns.rfc2136.server", "ns1.example.com:5353");
        props.put("mrm.dns.rfc2136.tsig.key-name", "mrm-dns");
        props.put("mrm.dns.rfc2136.tsig.secret.env", "MRM_DNS_TSIG_SECRET");
        props.put("mrm.dns.rfc2136.applications.orders.zone", "example.com");
        props.put("mrm.dns.rfc2136.applications.orders.name", "orders.example.com");
        props.put("mrm.dns.rfc2136.applications.orders.targets.eu10", "orders.eu10.example.com");
        props.put("mrm.dns.rfc2136.applications.orders.targets.us10", "orders.us10.example.com");
        return props;
    }

    static Rfc2136Properties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate(Rfc2136Properties.PREFIX, Rfc2136Properties.class);
    }

    static String problems(Map<String, String> props) {
        Rfc2136Properties bound = bind(props);
        return assertThatThrownBy(bound::routerSettings)
                .isInstanceOf(IllegalArgumentException.class)
                .actual()
                .getMessage();
    }

    @Test
    void aMinimalConfigurationGetsTheDefaults() {
        Rfc2136DnsRouter.Settings settings = bind(valid()).routerSettings();

        assertThat(settings.host()).isEqualTo("ns1.example.com");
        assertThat(settings.port()).isEqualTo(5353);
        assertThat(settings.transport()).isEqualTo(Transport.TCP);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.tsig().algorithm().toString()).isEqualTo("hmac-sha256.");
        assertThat(settings.tsig().secret()).hasToString("environment variable MRM_DNS_TSIG_SECRET");
        assertThat(settings.applications().get("orders").token().toString())
                .isEqualTo("_mrm-epoch.orders.example.com.");
        assertThat(settings.nameServerPort()).as("the primary's").isEqualTo(5353);
        assertThat(settings.nameServers()).isEmpty();
    }

    @Test
    void nameServersCanBeAskedElsewhere() {
        Map<String, String> props = valid();
        props.put("mrm.dns.rfc2136.name-server-port", "53");
        props.put("mrm.dns.rfc2136.name-servers.[ns2.example.com]", "10.0.0.53:5300");

        Rfc2136DnsRouter.Settings settings = bind(props).routerSettings();

        assertThat(settings.nameServerPort()).isEqualTo(53);
        assertThat(settings.nameServers()).containsOnlyKeys(org.xbill.DNS.Name.fromConstantString("ns2.example.com."));
        assertThat(settings.nameServers().values()).singleElement().satisfies(a -> {
            assertThat(a.getHostString()).isEqualTo("10.0.0.53");
            assertThat(a.getPort()).isEqualTo(5300);
        });
    }

    @Test
    void badNameServerSettingsAreNamed() {
        Map<String, String> props = valid();
        props.put("mrm.dns.rfc2136.name-server-port", "0");
        props.put("mrm.dns.rfc2136.name-servers.[ns2.example.com]", "10.0.0.53:http");

        assertThat(problems(props))
                .contains(
                        "mrm.dns.rfc2136.name-server-port must be 1-65535, was 0",
                        "mrm.dns.rfc2136.name-servers.ns2.example.com '10.0.0.53:http' has port 'http'");
    }

    @Test
    void addressTargetsAndAnIpv6ServerAreAccepted() {
        Map<String, String> props = valid();
        props.put("mrm.dns.rfc2136.server", "[::1]:53");
        props.put("mrm.dns.rfc2136.transport", "udp");
        props.put("mrm.dns.rfc2136.applications.orders.type", "A");
        props.put("mrm.dns.rfc2136.applications.orders.targets.eu10[0]", "192.0.2.1");
        props.put("mrm.dns.rfc2136.applications.orders.targets.eu10[1]", "192.0.2.2");
        props.remove("mrm.dns.rfc2136.applications.orders.targets.eu10");
        props.put("mrm.dns.rfc2136.applications.orders.targets.us10", "198.51.100.1");

        Rfc2136DnsRouter.Settings settings = bind(props).routerSettings();

        assertThat(settings.host()).isEqualTo("::1");
        assertThat(settings.transport()).isEqualTo(Transport.UDP);
        assertThat(settings.applications().get("orders").targets().get("eu10"))
                .containsExactly("192.0.2.1", "192.0.2.2");
    }

    @Test
    void nothingConfiguredNamesWhatIsMissing() {
        assertThat(problems(Map.of()))
                .contains(
                        "mrm.dns.rfc2136.server is required",
                        "mrm.dns.rfc2136.tsig is required",
                        "mrm.dns.rfc2136.applications is required");
    }

    @Test
    void everyBadKeyIsNamed() {
        Map<String, String> props = valid();
        props.put("mrm.dns.rfc2136.server", "ns1.example.com:99999");
        props.put("mrm.dns.rfc2136.ttl", "1500ms");
        props.put("mrm.dns.rfc2136.timeout", "0s");
        props.put("mrm.dns.rfc2136.fencing-label", "two.labels");
        props.put("mrm.dns.rfc2136.tsig.algorithm", "rot13");
        props.put("mrm.dns.rfc2136.tsig.secret.file", "/run/secrets/tsig");
        props.put("mrm.dns.rfc2136.applications.orders.name", "orders.example.org");
        props.put("mrm.dns.rfc2136.applications.billing.zone", "example.com");
        props.put("mrm.dns.rfc2136.applications.billing.name", "billing.example.com");
        props.put("mrm.dns.rfc2136.applications.billing.type", "MX");
        props.put("mrm.dns.rfc2136.applications.stock.zone", "example.com");
        props.put("mrm.dns.rfc2136.applications.stock.name", "stock.example.com");
        props.put("mrm.dns.rfc2136.applications.stock.type", "AAAA");
        props.put("mrm.dns.rfc2136.applications.stock.targets.eu10", "192.0.2.1");

        String problems = problems(props);

        assertThat(problems)
                .contains(
                        "mrm.dns.rfc2136.server 'ns1.example.com:99999' has port 99999",
                        "mrm.dns.rfc2136.ttl must be whole seconds",
                        "mrm.dns.rfc2136.timeout must be between",
                        "mrm.dns.rfc2136.fencing-label 'two.labels'",
                        "mrm.dns.rfc2136.tsig.algorithm: 'rot13' is not a TSIG algorithm",
                        "mrm.dns.rfc2136.tsig.secret needs exactly one of",
                        "mrm.dns.rfc2136.applications.orders.name orders.example.org. is not inside",
                        "mrm.dns.rfc2136.applications.billing.type 'MX' must be CNAME, A or AAAA",
                        "mrm.dns.rfc2136.applications.billing.targets is required",
                        "mrm.dns.rfc2136.applications.stock.targets.eu10[0]: '192.0.2.1' is not an IPv6 address");
    }

    @Test
    void aWeakTsigAlgorithmIsRefusedForTheKeyThatMovesTraffic() {
        for (String weak : new String[] {"hmac-md5", "HMAC-MD5.SIG-ALG.REG.INT", "hmac-sha1"}) {
            Map<String, String> props = valid();
            props.put("mrm.dns.rfc2136.tsig.algorithm", weak);
            assertThat(problems(props))
                    .as(weak)
                    .contains("mrm.dns.rfc2136.tsig.algorithm: '" + weak
                            + "' is too weak for the key that moves traffic");
        }
    }

    @Test
    void oneTargetUnderTwoRegionsIsRefused() {
        Map<String, String> props = valid();
        props.put("mrm.dns.rfc2136.applications.orders.targets.us10", "ORDERS.eu10.example.com.");

        assertThat(problems(props))
                .contains("mrm.dns.rfc2136.applications.orders:", "is a target of both eu10 and us10");
    }

    @Test
    void aCnameHasOneTargetAndCannotSitAtTheApex() {
        Map<String, String> props = valid();
        props.remove("mrm.dns.rfc2136.applications.orders.targets.eu10");
        props.put("mrm.dns.rfc2136.applications.orders.targets.eu10[0]", "a.example.com");
        props.put("mrm.dns.rfc2136.applications.orders.targets.eu10[1]", "b.example.com");
        props.put("mrm.dns.rfc2136.applications.orders.name", "example.com");

        assertThat(problems(props))
                .contains(
                        "targets.eu10 has 2 host names; a CNAME has exactly one",
                        "mrm.dns.rfc2136.applications.orders.name is the zone's apex");
    }

    @Test
    void theSecretItselfIsNeverInTheConfiguration() {
        Map<String, String> props = valid();
        props.remove("mrm.dns.rfc2136.tsig.secret.env");

        assertThat(problems(props))
                .contains(
                        "mrm.dns.rfc2136.tsig.secret needs exactly one of "
                                + "mrm.dns.rfc2136.tsig.secret.env (an environment variable) or mrm.dns.rfc2136.tsig.secret.file");
        assertThat(List.of(io.mrm.kafka.SecretSetting.class.getRecordComponents()))
                .extracting(c -> c.getName())
                .containsExactly("env", "file");
    }
}
