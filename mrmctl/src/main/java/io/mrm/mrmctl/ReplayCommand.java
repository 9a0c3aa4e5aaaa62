package io.mrm.mrmctl;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.Backtest;
import io.mrm.decision.domain.Backtest.BacktestReport;
import io.mrm.decision.domain.Backtest.Divergence;
import io.mrm.decision.domain.Backtest.Governing;
import io.mrm.decision.domain.Backtest.Recording;
import io.mrm.decision.domain.Backtest.ReplayReport;
import io.mrm.decision.domain.Backtest.Row;
import io.mrm.decision.domain.Backtest.SideBySide;
import io.mrm.decision.domain.Backtest.Step;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.policy.PolicyRecords;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventJson;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.journal.PolicyRecord;
import io.mrm.mrmctl.adapter.JournalReader;
import io.mrm.mrmctl.adapter.JournalReader.Read;
import io.mrm.mrmctl.adapter.JournalReader.Snapshot;
import io.mrm.mrmctl.adapter.PolicyFile;
import io.mrm.mrmctl.domain.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mrmctl replay}: runs the engine's journal through the decision rules again. Under the
 * policy the journal recorded it must reproduce every published output (the audit's check); under
 * {@code --policy FILE} it shows what that policy would have decided on the same inputs (a backtest).
 * Reads only: nothing is published and no actuator is touched.
 */
@Command(
        name = "replay",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Replays the decision engine's journal (from its beginning: state depends on all history) "
                    + "under the recorded policy and checks that every published output is reproduced; with --policy, "
                    + "backtests another policy on the same inputs and shows both runs' decisions side by side.",
            "Only reads; nothing is published."
        })
final class ReplayCommand implements Callable<Integer> {

    static final List<Topic<?>> INPUTS =
            List.of(Topics.OBSERVATIONS, Topics.OPERATOR_REQUESTS, Topics.COMMAND_ACKS, Topics.READINESS_REPORTS);
    static final List<Topic<?>> OUTPUTS = List.of(
            Topics.DECISIONS,
            Topics.TOPOLOGY,
            Topics.DNS_COMMANDS,
            Topics.DATA_COMMANDS,
            Topics.EVENTS_COMMANDS,
            Topics.HOOK_COMMANDS,
            Topics.READINESS);

    @ParentCommand
    Mrmctl mrmctl;

    @Spec
    CommandSpec spec;

    @Mixin
    AppAndTimeRange range;

    private String app;

    @Option(
            names = "--policy",
            paramLabel = "FILE",
            description = "Backtest this policy file (the engine's mrm.decision keys in YAML) instead of replaying.")
    Path policy;

    @Option(
            names = "--tick",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = Mrmctl.DurationConverter.class,
            description = "Backtest: a synthetic tick this often between recorded steps (default: ${DEFAULT-VALUE}).")
    Duration tick;

    @Option(
            names = "--print-policy",
            description = "Print APP's recorded policy (the latest up to --to) as a policy file, to edit into another.")
    boolean printPolicy;

    @Override
    public Integer call() {
        app = range.app();
        Instant now = Instant.now();
        Instant fromTime = range.from(now);
        Instant toTime = range.to(now);
        if (printPolicy && app == null) {
            throw usage("--print-policy needs APP");
        }
        if (printPolicy && policy != null) {
            throw usage("--print-policy and --policy do not go together");
        }
        PolicySettings.Policies alternate = null;
        if (policy != null) {
            alternate = checked("--policy", () -> PolicyFile.read(policy));
        }
        if (mrmctl.bootstrapServers == null || mrmctl.bootstrapServers.isBlank()) {
            throw usage("--bootstrap-servers is required (or set MRM_KAFKA_BOOTSTRAP_SERVERS)");
        }
        TopicNames names = checked("--topic-prefix", () -> new TopicNames(mrmctl.topicPrefix));
        List<Topic<?>> topics = new ArrayList<>();
        topics.add(Topics.ENGINE_JOURNAL);
        if (!printPolicy) {
            topics.addAll(INPUTS);
            topics.addAll(OUTPUTS);
        }
        Snapshot snapshot = new JournalReader(mrmctl.connection(), names).read(topics, now.plus(mrmctl.timeout));
        if (printPolicy) {
            return printPolicy(snapshot, names, toTime);
        }
        List<String> warnings = new ArrayList<>();
        Recording recording = recording(snapshot, names, warnings);
        if (recording.steps().isEmpty()) {
            throw new IllegalArgumentException("the journal " + names.of(Topics.ENGINE_JOURNAL) + " has no step"
                    + (app == null ? "" : " of " + app) + " to replay");
        }
        return alternate == null
                ? replay(recording, warnings, fromTime, toTime)
                : backtest(recording, alternate, warnings, fromTime, toTime);
    }

    // ---- reading the recording ------------------------------------------------------------

    /** The journal's steps (each with its input and recorded policy) and the published outputs. */
    private Recording recording(Snapshot snapshot, TopicNames names, List<String> warnings) {
        Map<String, MrmEvent> inputs = new HashMap<>();
        // a restore (an engine that lost its state) is journaled with the topology record it restored from
        List<Topic<?>> inputTopics = new ArrayList<>(INPUTS);
        inputTopics.add(Topics.TOPOLOGY);
        for (Topic<?> topic : inputTopics) {
            for (Read read : snapshot.of(names.of(topic))) {
                if (read.event() != null) {
                    inputs.put(read.coordinates(), read.event());
                }
            }
        }
        String journal = names.of(Topics.ENGINE_JOURNAL);
        for (Map.Entry<TopicPartition, Long> start : snapshot.startOffsets().entrySet()) {
            if (start.getKey().topic().equals(journal) && start.getValue() > 0) {
                warnings.add("journal partition " + start.getKey().partition() + " starts at offset "
                        + start.getValue() + ": older entries were deleted (retention), so the replay of its "
                        + "applications cannot be exact");
            }
        }
        Map<String, Governing> governing = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        long index = 0;
        int missing = 0;
        for (Read read : snapshot.of(journal)) {
            index++;
            if (read.event() instanceof PolicyRecord record && wanted(record.applicationId())) {
                governing.put(
                        record.applicationId(),
                        new Governing(
                                PolicyRecords.policy(record), PolicyRecords.authority(record), record.fingerprint()));
            } else if (read.event() instanceof EngineStep step && wanted(step.applicationId())) {
                MrmEvent input = null;
                if (!step.tick()) {
                    input = inputs.get(Read.coordinates(
                            step.input().topic(),
                            step.input().partition(),
                            step.input().offset()));
                    if (input == null) {
                        if (missing++ == 0) {
                            warnings.add("the input of journal entry " + index + " ("
                                    + step.input().type() + " at "
                                    + step.input().topic() + "/" + step.input().partition() + "/"
                                    + step.input().offset()
                                    + ") is no longer on its topic (retention, or compaction of the topology "
                                    + "topic): such steps "
                                    + "are left out and the replay cannot be exact");
                        }
                        continue;
                    }
                }
                steps.add(new Step(
                        index,
                        step.applicationId(),
                        step.time(),
                        input,
                        governing.get(step.applicationId()),
                        step.outputs()));
            }
        }
        if (missing > 1) {
            warnings.add(missing + " journaled steps in all have lost their input");
        }
        List<MrmEvent> outputs = new ArrayList<>();
        for (Topic<?> topic : OUTPUTS) {
            for (Read read : snapshot.of(names.of(topic))) {
                if (read.event() != null && wanted(read.event().applicationId())) {
                    outputs.add(read.event());
                }
            }
        }
        return new Recording(steps, outputs);
    }

    private boolean wanted(String applicationId) {
        return app == null || app.equals(applicationId);
    }

    // ---- replay ---------------------------------------------------------------------------

    private int replay(Recording recording, List<String> warnings, Instant fromTime, Instant toTime) {
        ReplayReport report = Backtest.replay(recording, Map.of());
        warnings.addAll(report.warnings());
        List<Divergence> shown = report.divergences().stream()
                .filter(d -> within(d.now(), fromTime, toTime))
                .toList();
        int exit = report.exact() ? ExitCodes.OK : ExitCodes.REPLAY_DIVERGED;
        if (mrmctl.output == Mrmctl.Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "replay");
            json.put("result", report.exact() ? "reproduced" : "diverged");
            json.put("applications", recording.applications());
            json.put("steps", report.steps());
            json.put("outputs", report.outputs());
            json.put("decisions", report.decisions());
            json.put("compactedTopologyStates", report.compacted());
            json.put("divergent", report.divergent());
            json.put("divergences", shown.stream().map(ReplayCommand::json).toList());
            json.put("policies", report.fingerprints());
            json.put("warnings", warnings);
            json.put("exitCode", exit);
            mrmctl.printJson(json);
            return exit;
        }
        PrintWriter out = out();
        out.println("replay of " + String.join(", ", recording.applications()) + ": " + report.steps()
                + " journaled steps from the beginning of the journal, each under the policy recorded for it");
        report.fingerprints()
                .forEach((application, versions) -> out.println("  " + application + ": policy "
                        + String.join(
                                " then ",
                                versions.stream()
                                        .map(ReplayCommand::shortFingerprint)
                                        .toList())));
        warnings.forEach(w -> out.println("warning: " + w));
        if (report.exact()) {
            out.println("reproduced " + report.outputs() + " outputs (" + report.decisions()
                    + (report.decisions() == 1 ? " decision" : " decisions") + ") exactly"
                    + (report.compacted() == 0
                            ? ""
                            : "; " + report.compacted()
                                    + " topology states are no longer on the compacted topic and were not compared"));
        } else {
            out.println("did NOT reproduce the recorded outputs: " + report.divergent() + " output(s) differ, "
                    + report.outputs() + " reproduced");
            for (Divergence d : shown) {
                out.println("  journal entry " + d.step() + " (" + d.applicationId() + " at " + d.now() + ", "
                        + d.input() + "), output " + (d.position() + 1) + ":");
                out.println("    expected: " + Backtest.describe(d.expected()));
                out.println("    got:      " + Backtest.describe(d.got()));
                Backtest.differences(d.expected(), d.got()).forEach(f -> out.println("      differs in " + f));
            }
            if (report.divergent() > shown.size()) {
                out.println("  (" + (report.divergent() - shown.size()) + " more not shown"
                        + (fromTime != null || toTime != null ? " or outside --from/--to" : "") + ")");
            }
        }
        out.flush();
        return exit;
    }

    private static Map<String, Object> json(Divergence d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("journalEntry", d.step());
        json.put("application", d.applicationId());
        json.put("time", d.now().toString());
        json.put("input", d.input());
        json.put("output", d.position() + 1);
        json.put("expected", d.expected() == null ? null : EventJson.mapper().valueToTree(d.expected()));
        json.put("got", d.got() == null ? null : EventJson.mapper().valueToTree(d.got()));
        json.put("differences", Backtest.differences(d.expected(), d.got()));
        return json;
    }

    // ---- backtest -------------------------------------------------------------------------

    /**
     * A policy file names no Kafka cluster (the engine reads its own at start-up): the backtest checks the
     * recorded requests' signatures against the cluster the journal was recorded on, as the engine did.
     */
    static RequestAuthority inRecordedCluster(Recording recording, RequestAuthority fromFile) {
        String recorded = null;
        for (Step step : recording.steps()) {
            if (step.governing() != null && step.governing().authority().clusterId() != null) {
                recorded = step.governing().authority().clusterId();
            }
        }
        return recorded == null ? fromFile : fromFile.inCluster(recorded);
    }

    private int backtest(
            Recording recording,
            PolicySettings.Policies alternate,
            List<String> warnings,
            Instant fromTime,
            Instant toTime) {
        RequestAuthority authority = inRecordedCluster(recording, alternate.authority());
        BacktestReport report =
                Backtest.backtest(recording, alternate.applications(), authority, policy.toString(), tick);
        List<SideBySide> shown = report.rows().stream()
                .filter(r -> within(r.time(), fromTime, toTime))
                .toList();
        Map<String, String> alternateFingerprints = new LinkedHashMap<>();
        for (String application : report.alternateFingerprints().keySet()) {
            ApplicationPolicy p = alternate.applications().get(application);
            alternateFingerprints.put(application, PolicyRecords.fingerprint(p, authority));
        }
        if (mrmctl.output == Mrmctl.Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "replay");
            json.put("result", "backtest");
            json.put("policyFile", policy.toString());
            json.put("tick", tick.toString());
            json.put("syntheticTicks", report.ticks());
            json.put("recordedPolicies", report.recordedFingerprints());
            json.put("alternatePolicies", alternateFingerprints);
            json.put("rows", shown.stream().map(ReplayCommand::json).toList());
            json.put("differing", shown.stream().filter(SideBySide::differs).count());
            json.put("notes", report.notes());
            json.put("warnings", warnings);
            json.put("exitCode", ExitCodes.OK);
            mrmctl.printJson(json);
            return ExitCodes.OK;
        }
        PrintWriter out = out();
        for (String application : report.recordedFingerprints().keySet()) {
            String alt = alternateFingerprints.get(application);
            out.println("backtest of " + application + ": recorded policy "
                    + String.join(
                            " then ",
                            report.recordedFingerprints().get(application).stream()
                                    .map(ReplayCommand::shortFingerprint)
                                    .toList())
                    + " vs " + policy + (alt == null ? " (no policy for it there)" : " (" + shortFingerprint(alt) + ")")
                    + ", a synthetic tick every " + tickText() + " (" + report.ticks() + " added)");
        }
        report.notes().forEach(n -> out.println("note: " + n));
        warnings.forEach(w -> out.println("warning: " + w));
        out.println("* marks rows that differ");
        String current = null;
        for (SideBySide row : shown) {
            if (!row.applicationId().equals(current)) {
                current = row.applicationId();
                out.println(current + ":");
            }
            out.println((row.differs() ? "* " : "  ") + row.time() + "  " + row.key());
            out.println("      recorded : " + text(row.recorded()));
            out.println("      alternate: " + text(row.alternate()));
        }
        long differing = shown.stream().filter(SideBySide::differs).count();
        out.println(differing + " of " + shown.size() + " rows differ");
        out.flush();
        return ExitCodes.OK;
    }

    private String tickText() {
        return tick.toMillis() % 1000 == 0 ? tick.toSeconds() + "s" : tick.toMillis() + "ms";
    }

    private static String text(Row row) {
        return row == null ? "—" : row.time() + " " + row.text();
    }

    private static Map<String, Object> json(SideBySide row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("application", row.applicationId());
        json.put("what", row.key());
        json.put("differs", row.differs());
        json.put("recorded", json(row.recorded()));
        json.put("alternate", json(row.alternate()));
        return json;
    }

    private static Map<String, Object> json(Row row) {
        if (row == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", row.time().toString());
        json.put("kind", row.kind());
        json.put("text", row.text());
        return json;
    }

    // ---- print-policy ---------------------------------------------------------------------

    private int printPolicy(Snapshot snapshot, TopicNames names, Instant toTime) {
        PolicyRecord latest = null;
        for (Read read : snapshot.of(names.of(Topics.ENGINE_JOURNAL))) {
            if (read.event() instanceof PolicyRecord record
                    && record.applicationId().equals(app)
                    && (toTime == null || !record.time().isAfter(toTime))
                    && (latest == null || !record.time().isBefore(latest.time()))) {
                latest = record;
            }
        }
        if (latest == null) {
            throw new IllegalArgumentException(app + ": no policy recorded on " + names.of(Topics.ENGINE_JOURNAL)
                    + (toTime == null ? "" : " up to " + toTime)
                    + " (an engine records it before the application's first step after each start)");
        }
        String yaml = PolicyFile.write(Map.of(app, PolicyRecords.policy(latest)), PolicyRecords.authority(latest));
        if (mrmctl.output == Mrmctl.Output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "replay");
            json.put("result", "policy");
            json.put("application", app);
            json.put("fingerprint", latest.fingerprint());
            json.put("recordedAt", latest.time().toString());
            json.put("policy", yaml);
            json.put("exitCode", ExitCodes.OK);
            mrmctl.printJson(json);
        } else {
            out().println("# policy of " + app + " recorded at " + latest.time() + ", fingerprint "
                    + latest.fingerprint());
            out().print(yaml);
            out().flush();
        }
        return ExitCodes.OK;
    }

    // ---- shared ---------------------------------------------------------------------------

    private static boolean within(Instant time, Instant from, Instant to) {
        return (from == null || !time.isBefore(from)) && (to == null || !time.isAfter(to));
    }

    private static String shortFingerprint(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) : fingerprint;
    }

    private <T> T checked(String option, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw usage(message.startsWith(option) ? message : option + ": " + message);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
