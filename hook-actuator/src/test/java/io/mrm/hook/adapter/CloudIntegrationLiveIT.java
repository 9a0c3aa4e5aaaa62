package io.mrm.hook.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.hook.domain.HookMode;
import io.mrm.hook.domain.HookOutcome;
import io.mrm.hook.domain.HookStep;
import io.mrm.kafka.SecretReference;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Cloud Integration hook against two real SAP Cloud Integration tenants, when they are given in the
 * environment (it is skipped, with that reason, otherwise):
 *
 * <ul>
 *   <li>{@code MRM_IT_CPI_A_API_URL}, {@code MRM_IT_CPI_A_TOKEN_URL}, {@code MRM_IT_CPI_A_CLIENT_ID},
 *       {@code MRM_IT_CPI_A_CLIENT_SECRET}: the tenant of region A (a service key of the Process Integration
 *       Runtime's {@code api} plan: its {@code url} and {@code tokenurl});</li>
 *   <li>the same with {@code _B_} for region B;</li>
 *   <li>{@code MRM_IT_CPI_ARTIFACT}: a TEST integration flow present (design time) in both tenants' workspaces,
 *       deployed in A. Optionally {@code MRM_IT_CPI_ARTIFACT_VERSION} (default {@code active}).</li>
 * </ul>
 *
 * It rehearses the switch (reads only), switches the flow from A to B (undeploy in A, deploy in B, wait for
 * STARTED) and back again, so the tenants end as they began.
 */
class CloudIntegrationLiveIT {

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static CloudIntegrationTenant tenant(String region, String prefix) {
        return new CloudIntegrationTenant(
                "live/" + region,
                URI.create(env(prefix + "API_URL")),
                URI.create(env(prefix + "TOKEN_URL")),
                env(prefix + "CLIENT_ID"),
                SecretReference.env(prefix + "CLIENT_SECRET"),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Clock.systemUTC());
    }

    private static HookStep step(String from, String to, long epoch, boolean rehearsal) {
        return new HookStep(
                "live-" + UUID.randomUUID(),
                "live-it",
                from,
                to,
                epoch,
                HookMode.GRACEFUL,
                "cpi-live",
                Instant.now().plus(Duration.ofMinutes(5)),
                rehearsal);
    }

    @Test
    void switchesATestFlowBetweenTwoRealTenantsAndBack() {
        List<String> needed = List.of(
                "MRM_IT_CPI_A_API_URL",
                "MRM_IT_CPI_A_TOKEN_URL",
                "MRM_IT_CPI_A_CLIENT_ID",
                "MRM_IT_CPI_A_CLIENT_SECRET",
                "MRM_IT_CPI_B_API_URL",
                "MRM_IT_CPI_B_TOKEN_URL",
                "MRM_IT_CPI_B_CLIENT_ID",
                "MRM_IT_CPI_B_CLIENT_SECRET",
                "MRM_IT_CPI_ARTIFACT");
        List<String> missing = needed.stream().filter(n -> env(n) == null).toList();
        assumeTrue(missing.isEmpty(), "live SAP Cloud Integration tenants not given: " + missing + " unset");

        Map<String, CloudIntegrationTenant> tenants = new LinkedHashMap<>();
        tenants.put("region-a", tenant("region-a", "MRM_IT_CPI_A_"));
        tenants.put("region-b", tenant("region-b", "MRM_IT_CPI_B_"));
        CloudIntegrationHook hook = new CloudIntegrationHook(
                "cpi-live",
                Map.of(
                        "live-it",
                        new CloudIntegrationHook.Application(
                                tenants,
                                List.of(new CloudIntegrationHook.Artifact(
                                        env("MRM_IT_CPI_ARTIFACT"), env("MRM_IT_CPI_ARTIFACT_VERSION"))))),
                Duration.ofSeconds(5),
                Clock.systemUTC(),
                Pause.sleeping());

        HookOutcome rehearsed = hook.rehearse(step("region-a", "region-b", 1, true), Duration.ofMinutes(2));
        assertThat(rehearsed.status()).as(rehearsed.detail()).isEqualTo(HookOutcome.Status.SUCCEEDED);

        HookOutcome there = hook.apply(step("region-a", "region-b", 2, false), Duration.ofMinutes(5));
        assertThat(there.status()).as(there.detail()).isEqualTo(HookOutcome.Status.SUCCEEDED);

        HookOutcome back = hook.apply(step("region-b", "region-a", 3, false), Duration.ofMinutes(5));
        assertThat(back.status()).as(back.detail()).isEqualTo(HookOutcome.Status.SUCCEEDED);
    }
}
