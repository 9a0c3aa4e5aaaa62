package io.mrm.mrmctl;

import io.mrm.events.MrmService;
import io.mrm.events.Require;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RequestSigning;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.mrmctl.adapter.KeyFiles;
import io.mrm.mrmctl.adapter.MrmKafka;
import io.mrm.mrmctl.domain.DrillProgress;
import io.mrm.mrmctl.domain.ExitCodes;
import io.mrm.mrmctl.domain.PlanProgress;
import io.mrm.mrmctl.domain.RequestTrace;
import io.mrm.mrmctl.domain.StatusView;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What every request command does once it has parsed its arguments: signs the request, publishes it and
 * reports the engine's answer (following the plan with --follow), or, within {@code sign}, writes it to files.
 */
final class RequestSender {

    private final Mrmctl mrmctl;

    RequestSender(Mrmctl mrmctl) {
        this.mrmctl = mrmctl;
    }

    /**
     * Builds the request (its record checks every field; a failure is a usage error naming the
     * option), publishes it and reports the engine's answer.
     */
    int send(String command, boolean follow, Supplier<OperatorRequest> build, Map<String, String> optionOfField) {
        return send(command, follow, false, build, optionOfField);
    }

    /**
     * As {@link #send(String, boolean, Supplier, Map)}; a {@code drill} is followed through its rehearsals'
     * acknowledgements and the alert that ends it (it never changes the topology).
     */
    int send(
            String command,
            boolean follow,
            boolean drill,
            Supplier<OperatorRequest> build,
            Map<String, String> optionOfField) {
        mrmctl.checked("--operator", () -> Require.operator("--operator", mrmctl.operator));
        OperatorRequest built = mrmctl.checked(null, () -> {
            try {
                return build.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(optionNames(e.getMessage(), optionOfField), e);
            }
        });
        OperatorRequest request = built;
        Instant deadline = mrmctl.deadline();
        MrmKafka kafka = mrmctl.signOnlyTo == null ? mrmctl.kafka() : null;
        if (mrmctl.keyFile != null) {
            PrivateKey key = mrmctl.checked(null, () -> {
                try {
                    return KeyFiles.readPrivateKey(mrmctl.keyFile);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage().replaceFirst("^--key", mrmctl.keyLabel), e);
                }
            });
            // signed for this environment only: an engine on another Kafka cluster refuses it
            String cluster = mrmctl.signForCluster != null ? mrmctl.signForCluster : kafka.clusterId(deadline);
            request = mrmctl.checked("--key", () -> RequestSigning.sign(built, key, cluster));
        } else if (mrmctl.signOnlyTo != null) {
            throw mrmctl.usageError("--key is required to sign (or set MRM_OPERATOR_KEY_FILE)");
        } else if (mrmctl.output == Mrmctl.Output.text) {
            mrmctl.err()
                    .println("mrmctl: note: no --key, so the request is unsigned; the engine refuses it unless "
                            + "request signatures are switched off");
        }
        if (mrmctl.signOnlyTo != null) {
            return writeSigned(command, request);
        }
        List<String> progress = new ArrayList<>();
        PlanProgress[] plan = new PlanProgress[1];
        DrillProgress[] rehearsal = new DrillProgress[1];
        MrmKafka.PlanFollower follower = !follow
                ? null
                : drill
                        ? drillFollower(rehearsal, progress)
                        : new MrmKafka.PlanFollower() {
                            @Override
                            public boolean follows(RequestOutcome outcome) {
                                if (!outcome.accepted() || outcome.decisionId() == null) {
                                    return false;
                                }
                                report(outcome);
                                plan[0] = new PlanProgress(outcome.decisionId());
                                return true;
                            }

                            @Override
                            public boolean onState(TopologyState state) {
                                for (String line : plan[0].update(state)) {
                                    progress.add(line);
                                    if (mrmctl.output == Mrmctl.Output.text) {
                                        mrmctl.out().println("  " + line);
                                        mrmctl.out().flush();
                                    }
                                }
                                return plan[0].finished();
                            }
                        };
        TraceParent trace = RequestTrace.start(new java.security.SecureRandom());
        MrmKafka.Answer answer = kafka.publish(request, trace, !mrmctl.noWait, follower, deadline);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("application", request.applicationId());
        json.put("requestId", request.id());
        // the trace the request starts: the engine's decision and its steps continue it
        json.put("traceId", trace.traceId());
        json.put("operator", request.operator());
        if (request.signature() != null) {
            json.put("clusterId", request.signature().clusterId());
        }
        RequestOutcome outcome = answer.outcome();
        if (mrmctl.noWait) {
            json.put("result", "published");
            return mrmctl.finish(
                    ExitCodes.OK,
                    command,
                    json,
                    "published " + command + " request " + request.id() + " (not waiting for the answer)");
        }
        if (outcome == null) {
            json.put("result", "timed-out");
            return mrmctl.finish(
                    ExitCodes.TIMED_OUT,
                    command,
                    json,
                    "no answer to request " + request.id() + " within " + mrmctl.timeout.toMillis()
                            + " ms (is the decision engine running?)");
        }
        json.put("result", outcome.accepted() ? "accepted" : "rejected");
        json.put("reason", outcome.reason());
        json.put("decisionId", outcome.decisionId());
        if (rehearsal[0] != null) {
            return drillEnded(command, json, outcome, rehearsal[0], progress, answer.planFinished());
        }
        boolean followed = plan[0] != null;
        if (!followed) {
            if (mrmctl.output == Mrmctl.Output.text) {
                report(outcome);
            }
            return mrmctl.finish(outcome.accepted() ? ExitCodes.OK : ExitCodes.REJECTED, command, json, null);
        }
        TopologyState last = plan[0].latest();
        json.put("progress", progress);
        json.put("phase", last == null ? null : last.phase().name());
        json.put("plan", last == null ? List.of() : StatusView.steps(last.planSteps()));
        if (!answer.planFinished()) {
            json.put("result", "accepted, plan not finished");
            return mrmctl.finish(
                    ExitCodes.TIMED_OUT,
                    command,
                    json,
                    "plan of " + outcome.decisionId() + " not finished within " + mrmctl.timeout.toMillis()
                            + " ms; see `mrmctl status " + request.applicationId() + "`");
        }
        if (last.phase() == Phase.PAUSED) {
            json.put("result", "accepted, plan paused");
            return mrmctl.finish(
                    ExitCodes.PLAN_PAUSED,
                    command,
                    json,
                    "plan of " + outcome.decisionId() + " PAUSED on a failed step: resume, skip or abort it");
        }
        return mrmctl.finish(
                ExitCodes.OK,
                command,
                json,
                "plan of " + outcome.decisionId() + " finished: " + last.activeRegion() + " is active");
    }

    private MrmKafka.PlanFollower drillFollower(DrillProgress[] rehearsal, List<String> progress) {
        return new MrmKafka.PlanFollower() {
            @Override
            public boolean follows(RequestOutcome outcome) {
                // a drill proposed under the two-person rule runs once approved: nothing to follow yet
                if (!outcome.accepted()
                        || outcome.decisionId() == null
                        || outcome.reason().startsWith("drill proposed")) {
                    return false;
                }
                report(outcome);
                rehearsal[0] = new DrillProgress(outcome.decisionId());
                return true;
            }

            @Override
            public boolean readsAcks() {
                return true;
            }

            @Override
            public boolean onState(TopologyState state) {
                return false;
            }

            @Override
            public boolean onEvent(io.mrm.events.MrmEvent event) {
                for (String line : rehearsal[0].update(event)) {
                    progress.add(line);
                    if (mrmctl.output == Mrmctl.Output.text) {
                        mrmctl.out().println("  " + line);
                        mrmctl.out().flush();
                    }
                }
                return rehearsal[0].finished();
            }
        };
    }

    /** The end of a followed drill: its steps, and how it ended with the predicted RTO. */
    private int drillEnded(
            String command,
            Map<String, Object> json,
            RequestOutcome outcome,
            DrillProgress drill,
            List<String> progress,
            boolean finished) {
        json.put("progress", progress);
        json.put("steps", drill.steps());
        if (!finished) {
            json.put("result", "accepted, drill not finished");
            return mrmctl.finish(
                    ExitCodes.TIMED_OUT,
                    command,
                    json,
                    "drill " + outcome.decisionId() + " not finished within " + mrmctl.timeout.toMillis() + " ms; see "
                            + "`mrmctl audit " + outcome.decisionId() + "` later");
        }
        json.put("result", "drill " + drill.end().name().toLowerCase(java.util.Locale.ROOT));
        json.put("summary", drill.endMessage());
        return mrmctl.finish(
                drill.end() == DrillProgress.End.COMPLETED ? ExitCodes.OK : ExitCodes.DRILL_FAILED,
                command,
                json,
                "drill " + outcome.decisionId() + " " + drill.end().name().toLowerCase(java.util.Locale.ROOT)
                        + " (the summary above has the predicted RTO)");
    }

    /** {@code sign}: writes the signed request to files instead of publishing it. */
    private int writeSigned(String command, OperatorRequest request) {
        TopicNames names = mrmctl.checked("--topic-prefix", () -> new TopicNames(mrmctl.topicPrefix));
        ProducerRecord<String, byte[]> record = new EventCodec(names, URI.create("/mrm/mrmctl"))
                .writtenBy(MrmService.MRMCTL)
                .toRecord(request);
        Path body = mrmctl.signOnlyTo.resolveSibling(mrmctl.signOnlyTo.getFileName() + ".json");
        Path headers = mrmctl.signOnlyTo.resolveSibling(mrmctl.signOnlyTo.getFileName() + ".headers");
        Map<String, String> headerMap = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        for (Header h : record.headers()) {
            String value = new String(h.value(), StandardCharsets.UTF_8);
            headerMap.put(h.key(), value);
            lines.append(h.key()).append('=').append(value).append('\n');
        }
        try {
            Files.write(body, record.value());
            Files.writeString(headers, lines.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("--out: cannot write " + e.getMessage());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("result", "signed");
        json.put("requestId", request.id());
        json.put("operator", request.operator());
        json.put("topic", record.topic());
        json.put("key", record.key());
        json.put("headers", headerMap);
        json.put("bodyFile", body.toString());
        json.put("headersFile", headers.toString());
        json.put("clusterId", request.signature().clusterId());
        json.put("expiresAt", request.time().plus(Duration.ofMinutes(5)).toString());
        // kcat's default partitioner hashes the key with CRC32, Java clients with murmur2: without the
        // option the request lands on a partition whose engine task does not own the application, and
        // the engine refuses it (WRONG_PARTITION).
        StringBuilder kcat = new StringBuilder("kcat -P -b \"$MRM_KAFKA_BOOTSTRAP_SERVERS\" -t " + record.topic()
                + " -k " + record.key() + " -X partitioner=murmur2_random");
        headerMap.forEach((k, v) -> kcat.append(" -H ").append(k).append('=').append(v));
        kcat.append(' ').append(body);
        json.put("kcat", kcat.toString());
        return mrmctl.finish(
                ExitCodes.OK,
                command,
                json,
                "signed " + command + " request " + request.id() + " as "
                        + request.operator() + " for Kafka cluster "
                        + request.signature().clusterId() + "; wrote " + body
                        + " and " + headers
                        + "\nsend it within 5 minutes (the engine refuses older requests), e.g.:\n  " + kcat);
    }

    private void report(RequestOutcome outcome) {
        if (mrmctl.output == Mrmctl.Output.text) {
            String verdict = outcome.accepted() ? "accepted" : "rejected";
            // the engine says just "accepted" when it has nothing to add
            String why = outcome.reason().equals(verdict) ? "" : ": " + outcome.reason();
            mrmctl.out()
                    .println(verdict
                            + why
                            + (outcome.decisionId() == null ? "" : " (decision " + outcome.decisionId() + ")"));
            mrmctl.out().flush();
        }
    }

    /** Request records name their fields; the operator typed options and parameters. */
    private static String optionNames(String message, Map<String, String> optionOfField) {
        String result = message.replaceFirst("^applicationId", "APP")
                .replaceFirst("^decisionId", "DECISION_ID")
                .replaceFirst("^reason", "--reason")
                .replaceFirst("^overrideRules", "--override");
        for (Map.Entry<String, String> e : optionOfField.entrySet()) {
            result = result.replaceFirst("^" + Pattern.quote(e.getValue()), e.getKey());
        }
        return result;
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
