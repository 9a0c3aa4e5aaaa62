package io.mrm.mrmctl;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.audit.AuditHtml;
import io.mrm.audit.AuditJson;
import io.mrm.audit.AuditQuery;
import io.mrm.audit.AuditReport;
import io.mrm.audit.AuditText;
import io.mrm.audit.AuditTimeline;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventJson;
import io.mrm.mrmctl.adapter.TopicReader;
import io.mrm.mrmctl.domain.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mrmctl audit}: the timeline of every failover run, read from MRM's topics up to their end
 * when the command starts — what triggered it, the decision, each step attempt and its ack, how it
 * ended, and the measured detection time, time to switch and RTO.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "The failover timeline from the topics: per run its trigger and evidence, decision, every step attempt "
                    + "with its ack, outcome and figures (detection, time to switch, RTO); between runs the operator "
                    + "requests and alerts. Reads up to the end offsets at start; never waits for new records."
        })
public final class AuditCommand implements Callable<Integer> {

    /** What the report is written as. */
    public enum Format {
        text,
        json,
        html
    }

    private static final ObjectMapper JSON =
            EventJson.mapper().copy().setDefaultPropertyInclusion(JsonInclude.Include.ALWAYS);

    @ParentCommand
    Mrmctl parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AppAndTimeRange range;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "text, json or html (a self-contained file); default: text, or json with --output json.")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path out;

    private final Supplier<Instant> clock;

    public AuditCommand() {
        this(Instant::now);
    }

    AuditCommand(Supplier<Instant> clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        Instant now = clock.get();
        String app = range.app();
        Instant from = range.from(now);
        Instant to = range.to(now);
        AuditQuery query = checked(() -> new AuditQuery(app, from, to));
        boolean jsonOutput = parent.output == Mrmctl.Output.json;
        if (format != null && out == null && jsonOutput && format != Format.json) {
            throw usage("--format " + format + " and --output json both choose what goes to stdout: "
                    + "drop one, or write the report with --out FILE");
        }
        Format chosen = format != null ? format : jsonOutput ? Format.json : Format.text;
        if (out != null) {
            checkWritable(out);
        }
        if (parent.bootstrapServers == null || parent.bootstrapServers.isBlank()) {
            throw usage("--bootstrap-servers is required (or set MRM_KAFKA_BOOTSTRAP_SERVERS)");
        }
        TopicNames names = checked(() -> new TopicNames(parent.topicPrefix));

        AuditReport report = report(parent.connection(), names, query, now.plus(parent.timeout));
        String rendered = render(report, chosen);
        PrintWriter stdout = spec.commandLine().getOut();
        if (out == null) {
            stdout.print(rendered);
            stdout.flush();
            return ExitCodes.OK;
        }
        try {
            Files.writeString(out, rendered, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write --out " + out + ": " + e.getMessage());
        }
        String summary = AuditTextSummary.of(report);
        if (jsonOutput) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "audit");
            json.put("result", "written");
            json.put("file", out.toString());
            json.put("format", chosen.name());
            json.put("runs", report.runCount());
            json.put("exitCode", ExitCodes.OK);
            stdout.println(write(json));
        } else {
            stdout.println("wrote the " + chosen + " audit to " + out + ": " + summary);
        }
        stdout.flush();
        return ExitCodes.OK;
    }

    static AuditReport report(
            io.mrm.mrmctl.adapter.KafkaConnection connection, TopicNames names, AuditQuery query, Instant deadline) {
        AuditTimeline timeline = new AuditTimeline(query);
        new TopicReader(connection, names).readForAudit(query.from(), deadline, timeline);
        return timeline.report(Instant.now());
    }

    /** Renders a report the way the command prints it. */
    public static String render(AuditReport report, Format format) {
        return switch (format) {
            case text -> AuditText.render(report);
            case html -> AuditHtml.render(report);
            case json -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("command", "audit");
                json.putAll(AuditJson.tree(report));
                json.put("exitCode", ExitCodes.OK);
                yield write(json) + "\n";
            }
        };
    }

    private static String write(Object json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON output: " + e.getOriginalMessage());
        }
    }

    private void checkWritable(Path file) {
        if (Files.isDirectory(file)) {
            throw usage("--out " + file + " is a directory; give a file name");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw usage("--out " + file + ": directory " + dir + " does not exist");
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            throw usage("--out " + file + " is not writable");
        }
    }

    private <T> T checked(Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** "2 runs of 1 application, 0 undecodable, 0 dead letters". */
    static final class AuditTextSummary {
        private AuditTextSummary() {}

        static String of(AuditReport r) {
            return r.runCount() + (r.runCount() == 1 ? " run" : " runs") + " of "
                    + r.applications().size()
                    + (r.applications().size() == 1 ? " application" : " applications") + ", "
                    + r.undecodable().size() + " undecodable, " + r.deadLetterCount() + " dead letters";
        }
    }
}
