package io.mrm.events.codec;

import io.mrm.events.MrmEvent;
import io.mrm.events.deadletter.DeadLetter;

/** The result of reading one inbound record: an event, or the dead letter to publish instead. */
public sealed interface Decoded {

    record Accepted(MrmEvent event) implements Decoded {}

    record Rejected(DeadLetter deadLetter) implements Decoded {}
}
