package io.mrm.chaos.domain;

import java.util.ArrayList;
import java.util.List;

/** At rest there is never more than one writable database, nor more than one active event VPN (split brain). */
public final class OneActiveAtRest implements Invariant {

    @Override
    public String name() {
        return "one active database and event VPN at rest";
    }

    @Override
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        BackendState state = history.atRest();
        if (state.writableDatabases().size() > 1) {
            violations.add(new Violation(
                    name(),
                    "the application may write in " + state.writableDatabases().size() + " databases "
                            + state.writableDatabases()));
        }
        if (state.activeEventVpns().size() > 1) {
            violations.add(new Violation(
                    name(), state.activeEventVpns().size() + " event VPNs are active " + state.activeEventVpns()));
        }
        return violations;
    }
}
