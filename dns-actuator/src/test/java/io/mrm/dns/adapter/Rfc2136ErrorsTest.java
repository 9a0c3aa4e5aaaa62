package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.domain.DnsFencedException;
import io.mrm.events.ack.ActuatorFailure;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.WireParseException;

class Rfc2136ErrorsTest {

    static final String WHAT = "UPDATE of shop.example.com.";

    @Test
    void noErrorIsNoFailure() {
        assertThat(Rfc2136Errors.classify(Rcode.NOERROR, Rcode.NOERROR, true, WHAT))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {Rcode.NXRRSET, Rcode.YXRRSET, Rcode.YXDOMAIN, Rcode.NXDOMAIN})
    void aFailedPrerequisiteOfAnUpdateIsFenced(int rcode) {
        ActuatorFailure e = Rfc2136Errors.classify(rcode, Rcode.NOERROR, true, WHAT);
        assertThat(e).isInstanceOf(DnsFencedException.class);
        assertThat(e.code()).isEqualTo(DnsFencedException.CODE);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains(Rcode.string(rcode), WHAT);
    }

    @Test
    void nxdomainAnswersAQueryWithAnEmptySet() {
        assertThat(Rfc2136Errors.classify(Rcode.NXDOMAIN, Rcode.NOERROR, false, "query"))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {Rcode.NOTAUTH, Rcode.NOTZONE, Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP})
    void authorizationAndZoneErrorsAreFatal(int rcode) {
        ActuatorFailure e = Rfc2136Errors.classify(rcode, Rcode.NOERROR, true, WHAT);
        assertThat(e).isNotInstanceOf(DnsFencedException.class);
        assertThat(e.retriable()).isFalse();
        assertThat(e.code()).isEqualTo(Rcode.string(rcode));
    }

    @ParameterizedTest
    @ValueSource(ints = {Rcode.BADSIG, Rcode.BADKEY, Rcode.BADTIME})
    void signatureErrorsAreFatalWhateverTheRcode(int tsigError) {
        ActuatorFailure e = Rfc2136Errors.classify(Rcode.NOTAUTH, tsigError, true, WHAT);
        assertThat(e.retriable()).isFalse();
        assertThat(e.code()).isEqualTo(Rcode.TSIGstring(tsigError));
    }

    @Test
    void servfailIsRetriable() {
        ActuatorFailure e = Rfc2136Errors.classify(Rcode.SERVFAIL, Rcode.NOERROR, true, WHAT);
        assertThat(e.retriable()).isTrue();
        assertThat(e.code()).isEqualTo("SERVFAIL");
    }

    @Test
    void timeoutsAndUnreachableServersAreRetriable() {
        assertThat(Rfc2136Errors.transport(
                        new CompletionException(new SocketTimeoutException("Query timed out")), WHAT, "ns1:53"))
                .satisfies(e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.code()).isEqualTo(Rfc2136Errors.TIMEOUT);
                });
        assertThat(Rfc2136Errors.transport(new TimeoutException(), WHAT, "ns1:53")
                        .code())
                .isEqualTo(Rfc2136Errors.TIMEOUT);
        assertThat(Rfc2136Errors.transport(
                        new CompletionException(new ConnectException("Connection refused")), WHAT, "ns1:53"))
                .satisfies(e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.code()).isEqualTo(Rfc2136Errors.UNREACHABLE);
                    assertThat(e.getMessage()).contains("ns1:53", "Connection refused");
                });
        assertThat(Rfc2136Errors.transport(new WireParseException("invalid message id"), WHAT, "ns1:53")
                        .code())
                .isEqualTo(Rfc2136Errors.BAD_RESPONSE);
    }

    @Test
    void anyOtherFailureIsFatal() {
        assertThat(Rfc2136Errors.transport(new IllegalStateException("bug"), WHAT, "ns1:53")
                        .retriable())
                .isFalse();
    }
}
