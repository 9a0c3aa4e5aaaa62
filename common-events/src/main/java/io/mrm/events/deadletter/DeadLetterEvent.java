package io.mrm.events.deadletter;

import io.mrm.events.MrmEvent;

/** Events on the dead-letter topic. */
public sealed interface DeadLetterEvent extends MrmEvent permits DeadLetter {}
