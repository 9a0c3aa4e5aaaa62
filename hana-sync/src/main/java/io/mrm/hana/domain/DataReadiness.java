package io.mrm.hana.domain;

import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Read-only access to a backend's databases for the readiness checks: what each data step of a switch
 * towards a region would need, read without changing anything. One implementation per backend, beside
 * its {@link DataReplication}; the domain owns this interface.
 */
public interface DataReadiness {

    /** The applications this backend replicates. */
    List<String> applications();

    /** The application's two regions. */
    List<String> regions(String applicationId);

    /**
     * The findings for every data step of a switch of {@code applicationId} towards {@code target}: steps
     * on the region being left ({@link StepAction#needsSourceRegion()}) read the other region's database.
     * Changes nothing; each database read is bounded by {@code within}. A database that cannot be read
     * is a finding (NOT_READY when the answer is conclusive, e.g. a refused login; UNKNOWN when not).
     */
    List<Finding> check(String applicationId, String target, Duration within);

    /**
     * One finding.
     *
     * @param action the step it is about
     * @param check  a short lower-case name, e.g. {@code privileges}, {@code subscription-state}
     * @param status the result
     * @param reason what was seen, or what is wrong and how to fix it
     */
    record Finding(StepAction action, String check, ReadinessStatus status, String reason) {

        public Finding {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }

        /** The same finding under another check name. */
        public Finding withCheck(String name) {
            return new Finding(action, name, status, reason);
        }

        public static Finding ready(StepAction action, String check, String reason) {
            return new Finding(action, check, ReadinessStatus.READY, reason);
        }

        public static Finding notReady(StepAction action, String check, String reason) {
            return new Finding(action, check, ReadinessStatus.NOT_READY, reason);
        }

        public static Finding unknown(StepAction action, String check, String reason) {
            return new Finding(action, check, ReadinessStatus.UNKNOWN, reason);
        }
    }
}
