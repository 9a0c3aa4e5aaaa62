package io.mrm.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.kafka.config.SettingChecks.UrlRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingChecksTest {

    private static List<String> url(String value, UrlRule rule) {
        List<String> problems = new ArrayList<>();
        SettingChecks.url(problems, "x.url", value, rule, null);
        return problems;
    }

    @ParameterizedTest
    @CsvSource({
        "https://probe.example.com/health?deep=1, HTTP_OR_HTTPS",
        "http://shop.eu10.example.com/ping, HTTP_OR_HTTPS",
        "https://mr-abc.messaging.solace.cloud:943, HTTPS_ADDRESS_EXCEPT_LOOPBACK",
        "https://mr-abc.messaging.solace.cloud:943/, HTTPS_ADDRESS_EXCEPT_LOOPBACK",
        "http://127.0.0.1:8080, HTTPS_ADDRESS_EXCEPT_LOOPBACK",
        "http://[::1]:8080, HTTPS_ADDRESS_EXCEPT_LOOPBACK",
        "http://localhost:8080, HTTPS_ADDRESS_EXCEPT_LOOPBACK"
    })
    void acceptedUrls(String value, UrlRule rule) {
        assertThat(url(value, rule)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ftp://example.com | HTTP_OR_HTTPS | x.url must be http or https, was ftp",
                "https:///nohost | HTTP_OR_HTTPS | x.url must name a host",
                "https://user:secret@example.com | HTTP_OR_HTTPS | x.url must not contain credentials",
                "https://example.com/SEMP/v2 | HTTPS_ADDRESS_EXCEPT_LOOPBACK | x.url must be the service's address only",
                "https://example.com?x=1 | HTTPS_ADDRESS_EXCEPT_LOOPBACK | x.url must be the service's address only",
                "http://broker.example.com:943 | HTTPS_ADDRESS_EXCEPT_LOOPBACK | x.url must be https: plain http",
                "ftp://example.com | HTTPS_ADDRESS_EXCEPT_LOOPBACK | x.url must be https, was ftp",
                "ht tp://x | HTTP_OR_HTTPS | x.url is not a valid URL"
            })
    void refusedUrlsSayWhy(String value, UrlRule rule, String expected) {
        assertThat(url(value, rule)).singleElement().asString().startsWith(expected);
    }

    @Test
    void aMissingUrlShowsTheExample() {
        List<String> problems = new ArrayList<>();
        SettingChecks.url(problems, "x.url", " ", UrlRule.HTTPS_ADDRESS_EXCEPT_LOOPBACK, "https://host:943");
        assertThat(problems).containsExactly("x.url is required, e.g. https://host:943");
    }

    @Test
    void durationsAndNames() {
        List<String> problems = new ArrayList<>();
        SettingChecks.positive(problems, "a", Duration.ZERO);
        SettingChecks.positive(problems, "b", null);
        SettingChecks.positive(problems, "ok", Duration.ofMillis(1));
        SettingChecks.between(problems, "c", Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(3));
        SettingChecks.between(problems, "d", Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofSeconds(3));
        SettingChecks.name(problems, "e", "Shop");
        SettingChecks.name(problems, "f", "shop-eu10");
        SettingChecks.name(problems, "g", null);
        assertThat(problems)
                .containsExactly(
                        "a must be positive, was 0ms",
                        "b is required",
                        "d must be between 1000ms and 3000ms, was 4000ms",
                        "e 'Shop' is not valid: lower-case letters, digits and '-', starting and ending with a letter or "
                                + "digit, at most 63 characters",
                        "g is required");
    }
}
