package io.mrm.chaos.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A graceful switch loses no committed row: when the last switch's database was promoted on the graceful path
 * (its successful promote's command GRACEFUL: fence, drain, promote), every row whose commit the old primary
 * confirmed is in the new primary's database. A forced promote may lose what the standby had not applied, and is
 * not judged here.
 */
public final class GracefulPlanLosesNoRow implements Invariant {

    /** Whether {@code history}'s last switch promoted its database on the graceful path (what this invariant judges). */
    public static boolean judges(History history) {
        List<FailoverDecision> switches = history.switches();
        return !switches.isEmpty() && promotedGracefully(history, switches.get(switches.size() - 1));
    }

    private static boolean promotedGracefully(History history, FailoverDecision last) {
        Set<String> succeeded = history.acks().stream()
                .filter(a -> a.step().decisionId().equals(last.id())
                        && a.action() == StepAction.DATA_PROMOTE
                        && a.outcome() == AckOutcome.SUCCEEDED)
                .map(CommandAck::commandId)
                .collect(Collectors.toSet());
        return history.commands().stream()
                .anyMatch(c -> c instanceof DataPromoteCommand promote
                        && succeeded.contains(c.id())
                        && promote.mode() == FailoverMode.GRACEFUL);
    }

    /** How many missing ids a violation lists. */
    private static final int SHOWN = 10;

    @Override
    public String name() {
        return "graceful plans lose no committed row";
    }

    @Override
    public List<Violation> check(History history) {
        List<FailoverDecision> switches = history.switches();
        if (switches.isEmpty() || history.rows().confirmed().isEmpty()) {
            return List.of();
        }
        FailoverDecision last = switches.get(switches.size() - 1);
        if (!promotedGracefully(history, last)) {
            return List.of();
        }
        Set<Long> missing = history.rows().missingIn(last.toRegion());
        if (missing.isEmpty()) {
            return List.of();
        }
        return List.of(new Violation(
                name(),
                missing.size() + " of " + history.rows().confirmed().size() + " confirmed rows are not in "
                        + last.toRegion() + " after the graceful switch " + last.id() + ", e.g. "
                        + missing.stream().limit(SHOWN).toList()));
    }
}
