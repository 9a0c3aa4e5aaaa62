package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpClientsTest {

    static final Duration ONE = Duration.ofSeconds(1);

    @Test
    void probesWithTheSameConnectTimeoutShareClientsInTurn() {
        try (HttpClients clients = new HttpClients(2, 3)) {
            HttpClient first = clients.withConnectTimeout(ONE);
            HttpClient second = clients.withConnectTimeout(ONE);

            assertThat(second).isNotSameAs(first);
            assertThat(clients.withConnectTimeout(ONE)).isSameAs(first);
            assertThat(first.connectTimeout()).contains(ONE);
            assertThat(first.executor()).isPresent();
            assertThat(first.executor()).isEqualTo(second.executor());
            assertThat(clients.withConnectTimeout(Duration.ofSeconds(2)).connectTimeout())
                    .contains(Duration.ofSeconds(2));
        }
    }

    @Test
    void theDefaultIsOneClientPerTimeoutWithTheJdkExecutor() {
        try (HttpClients clients = new HttpClients()) {
            HttpClient client = clients.withConnectTimeout(ONE);

            assertThat(clients.withConnectTimeout(ONE)).isSameAs(client);
            assertThat(client.executor()).isEmpty();
        }
    }

    @Test
    void nonsenseSizesAreRefused() {
        assertThatThrownBy(() -> new HttpClients(0, 1)).hasMessageContaining("clientsPerTimeout must be >= 1");
    }
}
