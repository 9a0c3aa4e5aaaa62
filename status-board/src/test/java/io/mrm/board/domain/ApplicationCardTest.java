package io.mrm.board.domain;

import static io.mrm.board.domain.BoardFixtures.T0;
import static io.mrm.board.domain.BoardFixtures.alert;
import static io.mrm.board.domain.BoardFixtures.step;
import static io.mrm.board.domain.BoardFixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplicationCardTest {

    static final String HOSTILE = "<script>alert('x')</script> & \"quoted\"";

    private final BoardState state = new BoardState(10, Duration.ofHours(24), 10);

    @Test
    void showsWhereTheApplicationRunsEachRegionsHealthPerVantageAndThePlan() {
        state.apply(
                topology(
                        "shop",
                        0,
                        "region-b",
                        1,
                        Phase.SWITCHING,
                        step(0, StepAction.DNS_ROUTE, StepStatus.SUCCEEDED, null),
                        step(1, StepAction.DNS_VERIFY, StepStatus.RUNNING, null)),
                T0);

        String html = ApplicationCard.render(state.application("shop").orElseThrow());

        assertThat(html)
                .contains("id=\"app-shop\"")
                .contains("<span class=\"region active-region\">region-b</span>")
                .contains("<span class=\"epoch\">1</span>")
                .contains("<span class=\"phase SWITCHING\">SWITCHING</span>")
                .contains("<th>vantage-1</th><th>vantage-2</th><th>vantage-3</th>")
                .contains("<td class=\"vantage STALE\" data-vantage=\"vantage-3\">STALE</td>")
                .contains("<td class=\"verdict DOWN\">DOWN</td>")
                .contains("data-action=\"DNS_ROUTE\"><td>1</td><td>DNS_ROUTE</td><td>region-b</td>"
                        + "<td class=\"step-status SUCCEEDED\">SUCCEEDED</td>")
                .contains("<td class=\"step-status RUNNING\">RUNNING</td>")
                .contains("href=\"applications/shop/audit\"");
    }

    @Test
    void escapesEveryTextThatComesFromTheBus() {
        state.apply(
                topology(
                        "shop",
                        0,
                        "region-b",
                        1,
                        Phase.PAUSED,
                        step(0, StepAction.DNS_ROUTE, StepStatus.FAILED, HOSTILE)),
                T0);
        state.apply(alert("shop", 5, HOSTILE), T0);

        String html = ApplicationCard.render(state.application("shop").orElseThrow());

        assertThat(html).doesNotContain("<script>").doesNotContain("'x'").doesNotContain("\"quoted\"");
        assertThat(html)
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
                .contains("<li class=\"ALERT serious\">")
                .contains("<b>WARNING FAILOVER_STARTED</b>");
    }

    @Test
    void aLiveUpdateIsOneLineOfJsonCarryingTheCardAndNoRawAngleBrackets() throws Exception {
        ApplicationBoard board =
                state.apply(alert("shop", 5, HOSTILE + "\nsecond line"), T0).orElseThrow();

        BoardEvent event = BoardEvent.of(board);

        assertThat(event.name()).isEqualTo("application");
        assertThat(event.id()).isEqualTo(board.version());
        assertThat(event.data()).doesNotContain("\n").doesNotContain("\r").doesNotContain("<");
        JsonNode json = new ObjectMapper().readTree(event.data());
        assertThat(json.get("application").asText()).isEqualTo("shop");
        assertThat(json.get("version").asLong()).isEqualTo(board.version());
        assertThat(json.get("html").asText()).isEqualTo(ApplicationCard.render(board));
    }

    @Test
    void thePageHasEveryCardAndNoInlineScript() {
        state.apply(topology("billing", 0, "region-a", 0, Phase.STEADY), T0);
        state.apply(topology("shop", 0, "region-a", 0, Phase.STEADY), T0);

        String page = BoardPage.render(state.applications(), T0, 0);

        assertThat(page).contains("id=\"app-billing\"").contains("id=\"app-shop\"");
        assertThat(page.indexOf("app-billing")).isLessThan(page.indexOf("app-shop"));
        assertThat(page).contains("<script src=\"board.js\" defer></script>");
        assertThat(page.split("<script", -1)).hasSize(2);
        assertThat(page).doesNotContain("<form").doesNotContain("style=");
    }

    @Test
    void anEmptyBoardSaysSo() {
        assertThat(BoardPage.render(List.of(), T0, 0)).contains("No application has published its topology yet.");
    }

    @Test
    void pathSegmentsArePercentEncoded() {
        assertThat(Html.pathSegment("shop-1")).isEqualTo("shop-1");
        assertThat(Html.pathSegment("a/b?c d")).isEqualTo("a%2Fb%3Fc%20d");
    }
}
