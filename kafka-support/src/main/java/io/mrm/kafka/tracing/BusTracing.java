package io.mrm.kafka.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.mrm.events.codec.TraceParent;
import java.util.HashMap;
import java.util.Map;

/**
 * Between the W3C trace context records carry on the bus ({@link TraceParent}) and Micrometer Tracing's spans:
 * a service continues the trace of the record it acts on, and the records it writes carry its span's context.
 * Off (no tracer), every span is a no-op and nothing is written. Whether a span is exported is the sampler's
 * choice; a span that is not still passes its trace id on, so the trace stays one.
 */
public final class BusTracing {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private static final BusTracing OFF = new BusTracing(Tracer.NOOP, Propagator.NOOP);

    private final Tracer tracer;
    private final Propagator propagator;

    public BusTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** No tracing: no spans, no trace context on records. */
    public static BusTracing off() {
        return OFF;
    }

    /** The context of the span current on this thread, for a record published now; null when there is none. */
    public TraceParent current() {
        Span span = tracer.currentSpan();
        return span == null ? null : contextOf(span);
    }

    /**
     * Starts a span named {@code name} as a child of {@code parent} (a record's trace context), or as the root of
     * a new trace when {@code parent} is null. It is not made current: end it with {@link Span#end()}.
     */
    public Span start(String name, TraceParent parent) {
        Span.Builder builder =
                parent == null ? tracer.spanBuilder().setNoParent() : propagator.extract(carrier(parent), Map::get);
        return builder.name(name).start();
    }

    /** The trace context to write on a record that {@code span} produced; null for a no-op span. */
    public TraceParent contextOf(Span span) {
        if (span == null || span.isNoop()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        return TraceParent.parse(carrier.get(TRACEPARENT), carrier.get(TRACESTATE));
    }

    /** A record's trace context as propagation headers, for a Micrometer {@code ReceiverContext}; empty for null. */
    public static Map<String, String> carrier(TraceParent trace) {
        Map<String, String> carrier = new HashMap<>();
        if (trace != null) {
            carrier.put(TRACEPARENT, trace.traceparent());
            if (trace.traceState() != null) {
                carrier.put(TRACESTATE, trace.traceState());
            }
        }
        return carrier;
    }
}
