package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** A refusal by the broker is named, not hidden under the client's generic error. */
class BrokerRefusalMessageTest {

    @Test
    void anAuthorizationErrorUnderTheClientsGenericErrorIsNamed() {
        Exception e = new IllegalStateException(
                "send failed",
                new KafkaException(
                        "Cannot execute transactional method because we are in an error state",
                        new TopicAuthorizationException(Set.of("mrm.operator.requests"))));
        assertThat(Mrmctl.brokerRefusal(e)).contains("not authorized", "mrm.operator.requests", "ACLs");
    }

    @Test
    void aFailedLoginIsNamed() {
        assertThat(Mrmctl.brokerRefusal(new KafkaException("x", new SaslAuthenticationException("bad password"))))
                .contains("could not authenticate", "bad password");
    }

    @Test
    void otherFailuresKeepTheirOwnMessage() {
        assertThat(Mrmctl.brokerRefusal(new IllegalArgumentException("no such application")))
                .isNull();
    }
}
