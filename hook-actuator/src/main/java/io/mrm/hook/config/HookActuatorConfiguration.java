package io.mrm.hook.config;

import io.mrm.events.Topics;
import io.mrm.events.command.HookCommand;
import io.mrm.events.command.HookRunCommand;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.hook.adapter.Pause;
import io.mrm.hook.domain.HookBackend;
import io.mrm.hook.domain.HookCommandHandler;
import io.mrm.hook.domain.HookExecutor;
import io.mrm.hook.domain.HookReadinessChecker;
import io.mrm.kafka.CommandBackend;
import io.mrm.kafka.CommandInput;
import io.mrm.kafka.CommandInputs;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.readiness.ReadinessProperties;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HookProperties.class)
class HookActuatorConfiguration {

    /** hook name → hook, one instance shared by the steps and the readiness checks (one token cache per tenant). */
    @Bean
    HookBackends hookBackends(HookProperties props, Clock clock) {
        return new HookBackends(ConfiguredHooks.hooks(props, clock, Pause.sleeping()));
    }

    @Bean
    HookCommandHandler hookCommandHandler(HookBackends hooks, HookProperties props, Clock clock) {
        return new HookCommandHandler(
                new HookExecutor(hooks.byName(), clock, props.rememberedCommands()), clock, props.ackMargin());
    }

    /**
     * The checks ReadinessPublisher runs on mrm.readiness.interval, for the applications each hook serves. They
     * end within nine tenths of mrm.readiness.timeout, so that a hook that never answers is reported by its own
     * check, not only as the publisher's timeout.
     */
    @Bean
    ReadinessChecker hookReadinessChecker(
            HookBackends hooks, HookProperties props, ReadinessProperties readiness, Clock clock) {
        return new HookReadinessChecker(
                hooks.byName(),
                props.served(),
                readiness.timeout().multipliedBy(9).dividedBy(10),
                clock);
    }

    /** The backend tag of the command metrics: http or cpi, by the kind of hook the step names (configured). */
    @Bean
    CommandBackend hookCommandBackend(HookProperties props) {
        return command -> {
            String hook = command instanceof HookRunCommand run ? run.hook() : null;
            if (props.cloudIntegration() != null && props.cloudIntegration().containsKey(hook)) {
                return "cpi";
            }
            return props.http() != null && props.http().containsKey(hook) ? "http" : "unknown";
        };
    }

    /**
     * Thin: each command runs on its application's lane (in order, alone; other applications' in
     * parallel) and its ack is published (and confirmed) before its offset commits.
     */
    @Bean(CommandInput.FUNCTION)
    CommandInput<HookCommand> commands(CommandInputs inputs, HookCommandHandler handler, EventPublisher publisher) {
        return inputs.commandInput(Topics.HOOK_COMMANDS, command -> publisher.publishAndWait(handler.handle(command)));
    }

    /** The configured hooks, as one bean (a bare Map bean would be taken for a collection of beans). */
    record HookBackends(Map<String, HookBackend> byName) {}
}
