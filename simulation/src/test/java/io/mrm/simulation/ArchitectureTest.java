package io.mrm.simulation;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The simulation runs decision-core itself; of the engine it uses only the state serde, so that a simulated
 * restart stores the state exactly as the engine does. It is a test module, not a service: the services'
 * independence rule does not apply, this narrower one does.
 */
class ArchitectureTest {

    static final JavaClasses SIMULATION = ModuleRules.mainClasses("io.mrm.simulation");

    @Test
    void usesOfTheEngineOnlyItsStateSerde() {
        noClasses()
                .should()
                .dependOnClassesThat(
                        resideInAnyPackage("io.mrm.decision", "io.mrm.decision.adapter..", "io.mrm.decision.config..")
                                .and(not(simpleNameStartingWith("ApplicationStateSerde"))))
                .because("the simulation drives decision-core on a virtual clock; the engine's Kafka Streams "
                        + "adapter and Spring configuration would bring real time and I/O into it")
                .check(SIMULATION);
    }

    @Test
    void shipsNoTestFramework() {
        ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(SIMULATION);
    }
}
