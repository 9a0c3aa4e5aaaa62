package io.mrm.audit;

import static io.mrm.audit.AuditFixtures.APP;
import static io.mrm.audit.AuditFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.codec.EventJson;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.RejectRequest;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditRenderersTest {

    static final String HOSTILE = "<script>alert('x')</script> & \"quotes\"";

    /** The automatic failover, plus a rejected request and a rejected proposal whose texts are hostile. */
    static AuditReport report() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        ManualFailoverRequest bad = f.request(new ManualFailoverRequest(
                "r-bad", APP, at(10_000), 1, "mallory", "eu10", FailoverMode.GRACEFUL, List.of(), HOSTILE));
        f.answer(bad, 10_010, false, "rejected: " + HOSTILE, null);
        f.decide(
                "d-prop",
                20_000,
                2,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.PROPOSED,
                "us10 down " + HOSTILE,
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(),
                AuditFixtures.plan(StepAction.DNS_ROUTE));
        RejectRequest reject = f.request(new RejectRequest("r-rej", APP, at(25_000), 1, "frank", "d-prop", HOSTILE));
        f.answer(reject, 25_000, true, "accepted", "d-prop");
        return f.report();
    }

    @Test
    void textHasOneBlockPerRunWithTheKeyLines() {
        String text = AuditText.render(report());

        assertThat(text)
                .contains("== orders: 2 failover runs, 1 other event, 0 dead letters ==")
                .contains("-- run 1: AUTOMATIC_FAILOVER eu10 → us10: FINISHED, us10 active --")
                .contains("trigger    automatic (engine): eu10 is down (seen by 2 vantage points, quorum 2)")
                .contains("evidence   eu10/app seen DOWN by vantage-1 at 2026-11-25T10:00:02Z")
                .contains("detection  first failing observation at 2026-11-25T10:00:01Z (eu10/app by vantage-1, "
                        + "observation o-v1-2)")
                .contains("decision   d-auto AUTOMATIC_FAILOVER FORCED eu10 → us10, epoch 1, EXECUTING at "
                        + "2026-11-25T10:00:03Z")
                .contains("1 DNS_ROUTE us10: SUCCEEDED after 1 retry at 2026-11-25T10:00:03.700Z")
                .contains("attempt 1: command c-route-1 sent 2026-11-25T10:00:03Z; ack FAILED_RETRIABLE at "
                        + "2026-11-25T10:00:03.200Z (180 ms) Throttling: rate exceeded")
                .contains("outcome    FINISHED at 2026-11-25T10:00:04Z: us10 is active")
                .contains("figures    detection 2000 ms (2.0 s); decision → switched 1000 ms (1.0 s); "
                        + "RTO (first failing observation → switched) 3000 ms (3.0 s)")
                .contains("2026-11-25T10:00:10Z  request manual-failover by mallory (request r-bad): REJECTED: "
                        + "rejected: " + HOSTILE)
                .contains("-- run 2: AUTOMATIC_FAILOVER eu10 → us10: REJECTED --")
                .contains("verdict    rejected by frank at 2026-11-25T10:00:25Z (request r-rej), reason: " + HOSTILE)
                .contains("outcome    REJECTED proposal at 2026-11-25T10:00:25Z: nothing was switched");
        // the rejected request comes between the two runs, in time order
        assertThat(text.indexOf("-- run 1")).isLessThan(text.indexOf("request manual-failover"));
        assertThat(text.indexOf("request manual-failover")).isLessThan(text.indexOf("-- run 2"));
    }

    @Test
    void jsonParsesWithStableFieldsIsoTimesAndFiguresInMilliseconds() throws Exception {
        JsonNode json = EventJson.mapper().readTree(json(report()));

        JsonNode app = json.get("applications").get(0);
        assertThat(app.get("application").asText()).isEqualTo("orders");
        JsonNode run = app.get("runs").get(0);
        assertThat(run.get("decisionId").asText()).isEqualTo("d-auto");
        assertThat(run.get("outcome").asText()).isEqualTo("FINISHED");
        assertThat(run.get("activeRegion").asText()).isEqualTo("us10");
        assertThat(run.get("decidedAt").asText()).isEqualTo("2026-11-25T10:00:03Z");
        assertThat(run.get("switchedAt").asText()).isEqualTo("2026-11-25T10:00:04Z");
        assertThat(run.get("trigger").get("type").asText()).isEqualTo("automatic");
        assertThat(run.get("trigger").get("detectionStart").get("time").asText())
                .isEqualTo("2026-11-25T10:00:01Z");
        assertThat(run.get("trigger").get("detectionStart").get("source").asText())
                .isEqualTo("observations");
        JsonNode figures = run.get("figures");
        assertThat(figures.get("detectionMs").asLong()).isEqualTo(2_000);
        assertThat(figures.get("switchMs").asLong()).isEqualTo(1_000);
        assertThat(figures.get("rtoMs").asLong()).isEqualTo(3_000);
        // unknown values are present as null, so consumers can rely on the field names
        assertThat(figures.has("approvalWaitMs")).isTrue();
        assertThat(figures.get("approvalWaitMs").isNull()).isTrue();
        JsonNode route = run.get("steps").get(0);
        assertThat(route.get("step").asInt()).isEqualTo(1);
        assertThat(route.get("retries").asInt()).isEqualTo(1);
        assertThat(route.get("attempts").get(0).get("ackOutcome").asText()).isEqualTo("FAILED_RETRIABLE");
        assertThat(route.get("attempts").get(0).get("durationMs").asLong()).isEqualTo(180);
        assertThat(route.get("attempts").get(1).get("sentAt").asText()).isEqualTo("2026-11-25T10:00:03.500Z");
        JsonNode rejected = app.get("between").get(0);
        assertThat(rejected.get("kind").asText()).isEqualTo("request");
        assertThat(rejected.get("accepted").asBoolean()).isFalse();
        assertThat(rejected.get("answer").asText()).isEqualTo("rejected: " + HOSTILE);
        assertThat(app.get("runs").get(1).get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(app.get("runs").get(1).get("verdict").get("operator").asText())
                .isEqualTo("frank");
        assertThat(json.get("deadLetters").get("count").asLong()).isZero();
    }

    @Test
    void htmlIsOneSelfContainedFileWithAnSvgTimelinePerRun() {
        String html = AuditHtml.render(report());

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").endsWith("</html>\n");
        assertThat(Pattern.compile("<svg").matcher(html).results().count()).isEqualTo(2);
        // a bar per step attempt: three attempts in run 1
        String firstSvg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>"));
        assertThat(Pattern.compile("<rect").matcher(firstSvg).results().count()).isEqualTo(3);
        assertThat(firstSvg).contains(">detection<").contains(">decision<").contains(">switched<");
        // nothing is fetched: no script at all, no external URL, no link element, no web font
        assertThat(html)
                .doesNotContainIgnoringCase("<script")
                .doesNotContain("http://")
                .doesNotContain("https://")
                .doesNotContainIgnoringCase("<link")
                .doesNotContain("@import")
                .doesNotContain("url(")
                .doesNotContain("src=")
                .doesNotContain("href=");
    }

    @Test
    void htmlEscapesEveryTextThatComesFromEvents() {
        String html = AuditHtml.render(report());

        assertThat(html)
                .doesNotContain(HOSTILE)
                .doesNotContain("<script>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
        assertThat(AuditHtml.esc("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    @Test
    void anEmptyAuditSaysSoInEveryFormat() throws Exception {
        AuditReport empty = new AuditTimeline(new AuditQuery("orders", null, null)).report(at(0));

        assertThat(AuditText.render(empty)).contains("no events of orders in the range read");
        assertThat(AuditHtml.render(empty)).contains("No events in the range read.");
        assertThat(json(empty)).contains("\"applications\":[]");
    }

    /** The JSON tree written as mrmctl and other users write it: every field, null ones too. */
    static String json(AuditReport report) throws Exception {
        return EventJson.mapper()
                .copy()
                .setDefaultPropertyInclusion(JsonInclude.Include.ALWAYS)
                .writeValueAsString(AuditJson.tree(report));
    }

    @Test
    void textShowsTimesToTheMillisecond() {
        assertThat(AuditText.millis("at 2026-11-26T01:57:29.203469636Z and 2026-11-26T01:57:29.2Z"))
                .isEqualTo("at 2026-11-26T01:57:29.203Z and 2026-11-26T01:57:29.2Z");
    }
}
