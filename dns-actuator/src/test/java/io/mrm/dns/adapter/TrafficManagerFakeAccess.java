package io.mrm.dns.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * Opens {@link TrafficManagerArmFake} (and, over https, an {@link EntraTokenFake} whose tokens are the only
 * ones it accepts) to tests outside this package: one profile with a Priority endpoint per region, eu10
 * first.
 */
public final class TrafficManagerFakeAccess implements AutoCloseable {

    private final TrafficManagerArmFake arm;
    private final EntraTokenFake entra;
    private final String subscription;
    private final String group;
    private final String profile;

    private TrafficManagerFakeAccess(
            TrafficManagerArmFake arm, EntraTokenFake entra, String subscription, String group, String profile) {
        this.arm = arm;
        this.entra = entra;
        this.subscription = subscription;
        this.group = group;
        this.profile = profile;
    }

    /** Over plain http, any bearer token accepted (for a hand-built pipeline). */
    public static TrafficManagerFakeAccess http(
            String subscription, String group, String profile, String eu10, String us10) {
        try {
            TrafficManagerArmFake arm = new TrafficManagerArmFake();
            arm.createProfile(
                    subscription, group, profile, "Priority", new Object[] {eu10, "Enabled", 1}, new Object[] {
                        us10, "Enabled", 2
                    });
            return new TrafficManagerFakeAccess(arm, null, subscription, group, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Over https, as the SDK's bearer-token policy insists, accepting only tokens the Entra fake issued. */
    public static TrafficManagerFakeAccess https(
            LocalTls tls,
            String tenant,
            String clientId,
            String clientSecret,
            String subscription,
            String group,
            String profile,
            String eu10,
            String us10) {
        try {
            EntraTokenFake entra = new EntraTokenFake(tls.serverContext(), tenant, clientId, clientSecret);
            TrafficManagerArmFake arm = new TrafficManagerArmFake(tls.serverContext());
            arm.acceptOnly(token -> entra.issuedTokens().contains(token));
            arm.createProfile(
                    subscription, group, profile, "Priority", new Object[] {eu10, "Enabled", 1}, new Object[] {
                        us10, "Enabled", 2
                    });
            return new TrafficManagerFakeAccess(arm, entra, subscription, group, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String resourceManagerEndpoint() {
        return arm.endpoint();
    }

    public String authorityHost() {
        return entra.authorityHost();
    }

    public List<String> issuedTokens() {
        return entra.issuedTokens();
    }

    public List<String> requestedScopes() {
        return entra.requestedScopes();
    }

    public long priority(String endpointName) {
        for (JsonNode e :
                arm.profile(subscription, group, profile).path("properties").path("endpoints")) {
            if (e.path("name").asText().equals(endpointName)) {
                return e.path("properties").path("priority").asLong();
            }
        }
        throw new IllegalArgumentException("no endpoint " + endpointName);
    }

    public String epochTag() {
        return arm.profile(subscription, group, profile)
                .path("tags")
                .path(TrafficManagerDnsRouter.EPOCH_TAG)
                .asText(null);
    }

    /** The next {@code times} requests of {@code method} get 429 with {@code Retry-After: retryAfter}. */
    public void throttle(String method, int times, Duration retryAfter) {
        arm.throttle(method, times, retryAfter.toSeconds());
    }

    /** How many requests of {@code method} were answered with {@code status}. */
    public long served(String method, int status) {
        return arm.served().stream()
                .filter(r -> r.method().equals(method) && r.status() == status)
                .count();
    }

    /** Time from the first {@code method} answered 429 to the next {@code method} the fake served. */
    public Duration waitAfterThrottle(String method) {
        List<TrafficManagerArmFake.Served> served =
                arm.served().stream().filter(r -> r.method().equals(method)).toList();
        for (int i = 0; i + 1 < served.size(); i++) {
            if (served.get(i).status() == 429) {
                return Duration.ofNanos(
                        served.get(i + 1).nanos() - served.get(i).nanos());
            }
        }
        throw new IllegalStateException("no " + method + " was throttled and then retried: " + served);
    }

    @Override
    public void close() {
        arm.close();
        if (entra != null) {
            entra.close();
        }
    }
}
