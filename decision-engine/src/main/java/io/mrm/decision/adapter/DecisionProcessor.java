package io.mrm.decision.adapter;

import io.mrm.decision.domain.AlertCode;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.StepResult;
import io.mrm.decision.domain.UnknownApplicationException;
import io.mrm.decision.policy.PolicyRecords;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.codec.DeadLetters;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Alert;
import io.mrm.events.journal.EngineStep;
import io.mrm.kafka.tracing.BusTracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the pure {@link DecisionCore} in Kafka Streams: refuse an input on the wrong partition for
 * its key ({@link PartitionCheck}), decode (or dead-letter) it, load the application's state, step,
 * store the next state, and forward the outputs to their topics.
 * Under exactly-once the state change, the outputs and the input's offset commit together.
 */
final class DecisionProcessor implements Processor<byte[], byte[], String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(DecisionProcessor.class);

    private final DecisionCore core;
    private final InboundDecoder decoder;
    private final EventCodec codec;
    private final Clock clock;
    private final String consumer;
    private final Duration tickInterval;
    private final boolean commitOnOutput;
    private final PartitionCheck partitionCheck;
    private final InputPartitionCounts partitionCounts;
    private final EngineMetrics metrics;
    private final EngineTraces traces;
    private ProcessorContext<String, byte[]> context;
    private ApplicationStateStore store;
    private org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> published;
    private final AlertThrottle wrongPartitionAlerts = new AlertThrottle(Duration.ofMinutes(1));
    private final AlertThrottle unauthenticatedAlerts = new AlertThrottle(Duration.ofMinutes(1));
    /** Applications whose policy this processor instance has journaled since it started. */
    private final Set<String> policyJournaled = new HashSet<>();

    /** Record times this close to the clock mean the task has read what waited for it when it started. */
    static final Duration CAUGHT_UP_WITHIN = Duration.ofSeconds(5);
    /** The longest ticks wait for that: a task whose inputs stay silent is ticked all the same. */
    static final Duration CATCH_UP_BOUND = Duration.ofSeconds(10);

    private Instant startedAt;
    private boolean caughtUp;

    DecisionProcessor(
            DecisionCore core,
            InboundDecoder decoder,
            EventCodec codec,
            Clock clock,
            String consumer,
            Duration tickInterval,
            boolean commitOnOutput,
            InputPartitionCounts partitionCounts,
            EngineMetrics metrics,
            BusTracing tracing) {
        this.core = core;
        this.metrics = metrics;
        this.traces = new EngineTraces(tracing);
        this.partitionCheck = new PartitionCheck(consumer);
        this.partitionCounts = partitionCounts;
        this.commitOnOutput = commitOnOutput;
        this.tickInterval = tickInterval;
        this.decoder = decoder;
        this.codec = codec;
        this.clock = clock;
        this.consumer = consumer;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        // Before the first record: the partition check needs the input topics' real partition counts.
        partitionCounts.load(context.appConfigs());
        this.store = context.getStateStore(DecisionEngineTopology.STORE);
        this.published = context.getStateStore(PublishedTopology.STORE);
        policyJournaled.clear();
        this.startedAt = clock.instant();
        this.caughtUp = false;
        // Wall-clock ticks: deadlines, retries and staleness advance even when no record arrives.
        context.schedule(tickInterval, PunctuationType.WALL_CLOCK_TIME, timestamp -> tickAll());
    }

    /**
     * Whether the task has read the inputs that waited for it when it started (a takeover after the previous owner's
     * session ended, a restart): until then its states are as that owner left them, and a tick would judge them by the
     * clock — every vantage point silent, a step's deadline passed while its acknowledgement waits on the topic. Ticks
     * wait until the task's stream time (the newest record it has read) is near the clock, at most
     * {@link #CATCH_UP_BOUND}.
     */
    private boolean caughtUp(Instant now) {
        if (!caughtUp) {
            long streamTime = context.currentStreamTimeMs();
            boolean recent = streamTime >= 0 && now.toEpochMilli() - streamTime <= CAUGHT_UP_WITHIN.toMillis();
            if (recent || !now.isBefore(startedAt.plus(CATCH_UP_BOUND))) {
                caughtUp = true;
                log.info(
                        "task {} ticks from now on ({} after it started{})",
                        context.taskId(),
                        Duration.between(startedAt, now),
                        recent ? ", its inputs read" : ", no recent input to read");
            }
        }
        return caughtUp;
    }

    private void tickAll() {
        Instant now = clock.instant();
        if (!caughtUp(now)) {
            return;
        }
        List<MrmEvent> outputs = new ArrayList<>();
        for (KeyValue<String, ApplicationState> entry : store.all()) {
            try {
                StepResult result = core.tick(entry.value, now);
                if (!result.state().equals(entry.value)) {
                    // Only ticks that changed something are journaled: the others replay as no-ops.
                    store.put(entry.key, result.state());
                    String stepId = "t:" + entry.key + ":" + now.toEpochMilli();
                    policyFirst(entry.key, stepId, now, outputs::add);
                    outputs.add(new EngineStep(
                            stepId,
                            entry.key,
                            now,
                            EngineStep.SCHEMA_VERSION,
                            null,
                            result.outputs().size()));
                }
                outputs.addAll(result.outputs());
            } catch (UnknownApplicationException e) {
                log.debug("no policy for stored application {}; not ticking it", entry.key);
            } catch (RuntimeException e) {
                // a defect in the core must not stop time for every other application of this task
                log.error("decision core failed to tick {}; its state is left as it was", entry.key, e);
            }
        }
        outputs.forEach(this::forward);
        commitSoonIfAnythingHappened(outputs);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        RawRecord raw = new RawRecord(
                meta.topic(), meta.partition(), meta.offset(), record.key(), record.headers(), record.value());
        Optional<PartitionCheck.Refusal> misplaced =
                partitionCheck.check(raw, partitionCounts.of(meta.topic()), clock.instant());
        if (misplaced.isPresent()) {
            // every such record is dead-lettered; one misbehaving producer is alerted once a minute, not
            // once per record
            List<MrmEvent> outputs = new ArrayList<>(List.of(misplaced.get().deadLetter()));
            if (wrongPartitionAlerts.allow(raw.topic() + "/" + raw.partition(), clock.instant())) {
                log.warn("{}", misplaced.get().alert().message());
                outputs.add(misplaced.get().alert());
            }
            outputs.forEach(this::forward);
            commitSoonIfAnythingHappened(outputs);
            return;
        }
        Decoded decoded = decoder.decode(raw);
        if (decoded instanceof Decoded.Rejected rejected) {
            forward(rejected.deadLetter());
            if (rejected.deadLetter().category() == DeadLetterReason.UNAUTHENTICATED) {
                unauthenticated(raw, rejected.deadLetter());
            }
            return;
        }
        Decoded.Accepted accepted = (Decoded.Accepted) decoded;
        traces.input(accepted.event(), accepted.trace());
        try {
            step(raw, accepted.event(), record.timestamp());
        } finally {
            traces.inputDone();
        }
    }

    private void step(RawRecord raw, MrmEvent input, long recordTimestamp) {
        EngineLog.input(input);
        Instant now = clock.instant();
        metrics.received(recordTimestamp, now);
        StepResult result;
        try {
            ApplicationState state = store.get(input.applicationId());
            if (state == null) {
                state = restoreFromPublished(input.applicationId(), raw, now);
            }
            result = core.step(state, input, now);
        } catch (UnknownApplicationException e) {
            forward(DeadLetters.of(raw, consumer, DeadLetterReason.INVALID, e.getMessage(), now));
            return;
        } catch (RuntimeException e) {
            // The core is deterministic: retrying the same input would fail the same way.
            log.error(
                    "decision core failed on {} {}",
                    EventTypes.forClass(input.getClass()).ceType(),
                    input.id(),
                    e);
            forward(DeadLetters.of(
                    raw, consumer, DeadLetterReason.PROCESSING_FAILED, "decision core failed: " + e, now));
            return;
        }
        store.put(input.applicationId(), result.state());
        String stepId = "j:" + raw.topic() + ":" + raw.partition() + ":" + raw.offset();
        policyFirst(input.applicationId(), stepId, now, this::forward);
        forward(new EngineStep(
                stepId,
                input.applicationId(),
                now,
                EngineStep.SCHEMA_VERSION,
                new EngineStep.InputRef(
                        input.id(),
                        EventTypes.forClass(input.getClass()).ceType(),
                        raw.topic(),
                        raw.partition(),
                        raw.offset()),
                result.outputs().size()));
        result.outputs().forEach(this::forward);
        if (result.refusal() != null) {
            forward(DeadLetters.of(
                    raw,
                    consumer,
                    DeadLetterReason.valueOf(result.refusal().reason().name()),
                    result.refusal().detail(),
                    now));
        }
        commitSoonIfAnythingHappened(result.outputs());
    }

    /**
     * A forged (or mis-keyed) acknowledgement or observation is an attack or a broken deployment, not
     * noise: operators are alerted, once a minute per topic partition, with what was refused and why.
     */
    private void unauthenticated(RawRecord raw, DeadLetter deadLetter) {
        Instant now = clock.instant();
        log.error(
                "refused an unauthenticated record on {}-{} at offset {}: {}",
                raw.topic(),
                raw.partition(),
                raw.offset(),
                deadLetter.reason());
        if (unauthenticatedAlerts.allow(raw.topic() + "/" + raw.partition(), now)) {
            Alert alert = PartitionCheck.refusedRecordAlert(
                    "unauthenticated",
                    AlertCode.UNAUTHENTICATED_RECORD,
                    raw,
                    deadLetter.applicationId(),
                    now,
                    "refused a record on " + raw.topic() + " (partition " + raw.partition() + ", offset " + raw.offset()
                            + "): " + deadLetter.reason());
            forward(alert);
            commitSoonIfAnythingHappened(List.of(alert));
        }
    }

    /**
     * An application with no state that the engine has published a topology for lost its state (a
     * reset): the core restores from that topology, journaled as a step of its own whose input is the
     * topology record, so a replay restores the same way. Null when nothing was published.
     */
    private ApplicationState restoreFromPublished(String applicationId, RawRecord trigger, Instant now) {
        core.policy(applicationId); // an unknown application is refused before anything is restored
        byte[] stored = published.get(org.apache.kafka.common.utils.Bytes.wrap(
                applicationId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        PublishedTopology.Entry entry = PublishedTopology.decode(stored);
        if (entry == null || !entry.topology().applicationId().equals(applicationId)) {
            return null;
        }
        StepResult restored = core.step(null, entry.topology(), now);
        store.put(applicationId, restored.state());
        String stepId = "r:" + trigger.topic() + ":" + trigger.partition() + ":" + trigger.offset();
        policyFirst(applicationId, stepId, now, this::forward);
        forward(new EngineStep(
                stepId,
                applicationId,
                now,
                EngineStep.SCHEMA_VERSION,
                entry.ref(codec.topicNames().of(io.mrm.events.Topics.TOPOLOGY)),
                restored.outputs().size()));
        restored.outputs().forEach(this::forward);
        log.warn(
                "no state for {}: restored from the topology published at {} (epoch {}, {} active, {})",
                applicationId,
                entry.topology().time(),
                entry.topology().epoch(),
                entry.topology().activeRegion(),
                entry.topology().phase());
        return restored.state();
    }

    /**
     * Before an application's first journaled step since this instance started, the policy that
     * governs it, in the same transaction: the journal then says which policy each step ran under,
     * also across restarts with a changed configuration.
     */
    private void policyFirst(
            String applicationId, String stepId, Instant now, java.util.function.Consumer<MrmEvent> out) {
        if (policyJournaled.add(applicationId)) {
            out.accept(PolicyRecords.of("p:" + stepId, now, core.policy(applicationId), core.authority()));
        }
    }

    /**
     * Decisions, commands, alerts and request outcomes are what operators and actuators wait for, and under
     * exactly-once nobody sees them before the transaction commits. Most inputs change only counters; for those
     * the commit interval batches many inputs per transaction, and for the few that produce something the commit
     * is requested at once, so the interval can stay long (throughput) without delaying a failover (latency).
     * Views alone (the topology, readiness) wait for the interval: the health view changes with every vantage
     * point turning stale or fresh, and a commit for each (a transaction per observation when many applications'
     * monitors come and go) would cap the engine at a few hundred observations a second.
     */
    private void commitSoonIfAnythingHappened(List<MrmEvent> outputs) {
        if (commitOnOutput && outputs.stream().anyMatch(DecisionProcessor::awaited)) {
            context.commit();
        }
    }

    static boolean awaited(MrmEvent output) {
        return !(output instanceof io.mrm.events.topology.TopologyEvent)
                && !(output instanceof io.mrm.events.readiness.ReadinessEvent);
    }

    // Journal ids are the input's coordinates (or the tick's application and time): deterministic,
    // so a step re-run after an aborted transaction writes the same id.

    private void forward(MrmEvent event) {
        EngineLog.output(event);
        metrics.published(event);
        // a decision, a command: with the trace context of its span (EngineTraces); the core never sees it
        ProducerRecord<String, byte[]> out = codec.toRecord(event, traces.output(event));
        context.forward(
                new Record<>(out.key(), out.value(), event.time().toEpochMilli(), out.headers()),
                DecisionEngineTopology.sinkFor(out.topic()));
    }
}
