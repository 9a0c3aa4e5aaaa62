package io.mrm.kafka;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/** The services' shared Kafka wiring: it knows the events, not the services nor the decision rules. */
class ArchitectureTest {

    static final JavaClasses KAFKA = ModuleRules.mainClasses("io.mrm.kafka");

    @Test
    void usesNoServicesCode() {
        ModuleRules.LIBRARIES_DEPEND_ON_NO_SERVICE.check(KAFKA);
    }

    @Test
    void knowsNeitherTheDecisionCoreNorTestHelpers() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.mrm.decision..", "io.mrm.testsupport..")
                .because("every service (actuators and monitors too) ships kafka-support: what it needs from the "
                        + "decision rules belongs in common-events")
                .check(KAFKA);
    }

    @Test
    void shipsNoTestFramework() {
        ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(KAFKA);
    }
}
