package io.mrm.events.codec;

import io.mrm.events.MrmEvent;
import io.mrm.events.deadletter.DeadLetter;

/** The result of reading one inbound record: an event, or the dead letter to publish instead. */
public sealed interface Decoded {

    /**
     * @param trace the W3C trace context the record carried (the CloudEvents distributed-tracing extension), or
     *              null: absent or malformed (ignored, never a reason to refuse the record)
     */
    record Accepted(MrmEvent event, TraceParent trace) implements Decoded {

        public Accepted(MrmEvent event) {
            this(event, null);
        }
    }

    record Rejected(DeadLetter deadLetter) implements Decoded {}
}
