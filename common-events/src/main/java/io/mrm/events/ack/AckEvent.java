package io.mrm.events.ack;

import io.mrm.events.MrmEvent;

/** Events on the command-acknowledgements topic. */
public sealed interface AckEvent extends MrmEvent permits CommandAck {}
