package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.audit.AuditQuery;
import io.mrm.audit.AuditReport;
import io.mrm.audit.AuditTimeline;
import io.mrm.events.codec.EventJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What mrmctl adds around the audit library's report: the command's JSON envelope. */
class AuditCommandRenderTest {

    @Test
    void jsonOutputWrapsTheReportInTheCommandsEnvelope() throws Exception {
        AuditReport empty =
                new AuditTimeline(new AuditQuery("orders", null, null)).report(Instant.parse("2026-11-25T10:00:00Z"));

        String rendered = AuditCommand.render(empty, AuditCommand.Format.json);

        JsonNode json = EventJson.mapper().readTree(rendered);
        assertThat(json.get("command").asText()).isEqualTo("audit");
        assertThat(json.get("exitCode").asInt()).isZero();
        assertThat(rendered).contains("\"applications\":[]").endsWith("\n");
        assertThat(AuditCommand.render(empty, AuditCommand.Format.html)).contains("No events in the range read.");
    }
}
