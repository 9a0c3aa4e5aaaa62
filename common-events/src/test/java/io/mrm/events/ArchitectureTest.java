package io.mrm.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/** The events every module shares: they depend on no other MRM module and on no application framework. */
class ArchitectureTest {

    static final JavaClasses EVENTS = ModuleRules.mainClasses("io.mrm.events");

    @Test
    void usesNoServicesCode() {
        ModuleRules.LIBRARIES_DEPEND_ON_NO_SERVICE.check(EVENTS);
    }

    @Test
    void dependsOnNoOtherMrmModuleAndNoSpring() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.mrm.kafka..", "io.mrm.decision..", "io.mrm.testsupport..", "org.springframework..")
                .because("common-events is the bottom of the module graph, read by mrmctl without Spring: what it "
                        + "needs from kafka-support or decision-core belongs here instead")
                .check(EVENTS);
    }
}
