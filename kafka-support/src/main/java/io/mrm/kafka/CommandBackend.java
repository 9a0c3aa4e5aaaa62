package io.mrm.kafka;

import io.mrm.events.command.StepCommand;
import java.util.Locale;

/**
 * Names the backend an actuator's command acts on, for the {@code backend} tag of its command metrics
 * ({@code route53}, {@code rfc2136}, {@code trafficmanager}, {@code hana}, {@code postgres}, {@code semp}, {@code http},
 * {@code cpi}, ...). An actuator declares one as a bean; without one the tag reads {@code unknown}. The names come
 * from configuration, never from a record, so the tag's values stay few.
 */
@FunctionalInterface
public interface CommandBackend {

    CommandBackend UNKNOWN = named("unknown");

    /** The backend {@code command} runs against. */
    String of(StepCommand command);

    /** One backend for every command, e.g. the kind a service is configured with. */
    static CommandBackend named(String name) {
        String tag = name.toLowerCase(Locale.ROOT).replace("_", "");
        return command -> tag;
    }
}
