package io.mrm.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopbackTest {

    @Test
    void loopbackLiteralsAndLocalhostAreThisMachine() {
        assertThat(Loopback.host("localhost")).isTrue();
        assertThat(Loopback.host("LOCALHOST")).isTrue();
        assertThat(Loopback.host("127.0.0.1")).isTrue();
        assertThat(Loopback.host("127.3.4.5")).isTrue();
        assertThat(Loopback.host("::1")).isTrue();
        assertThat(Loopback.host("[::1]")).isTrue();
        assertThat(Loopback.host("0:0:0:0:0:0:0:1")).isTrue();
    }

    @Test
    void anythingElseIsNotEvenANameThatResolvesToLoopback() {
        assertThat(Loopback.host("10.0.0.1")).isFalse();
        assertThat(Loopback.host("mr.example.com")).isFalse();
        assertThat(Loopback.host("localhost.example.com")).isFalse();
        assertThat(Loopback.host("")).isFalse();
        assertThat(Loopback.host(null)).isFalse();
    }
}
