package io.mrm.hook;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.mrm.architecture.DomainPurityRules;
import io.mrm.architecture.FailureTypeRules;
import io.mrm.architecture.ModuleRules;
import io.mrm.architecture.ServiceModule;
import org.junit.jupiter.api.Test;

/**
 * The service rules on hook-actuator's main classes: its domain is pure Java, it uses no other service's code
 * and no test framework, and a backend's failure is the shared ActuatorFailure. (hook-actuator is not yet in
 * {@link ServiceModule}: it joins when it becomes a deployed service, so the independence rule is spelt here.)
 */
class ArchitectureTest {

    static final JavaClasses CLASSES = ModuleRules.mainClasses("io.mrm.hook");

    @Test
    void domainIsPureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(CLASSES);
    }

    @Test
    void usesNoOtherServiceAndNoTestFramework() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ServiceModule.allPackages())
                .because("hook-actuator is deployed on its own and talks to other services only through the "
                        + "topics: move what it shares with another service into common-events, kafka-support or "
                        + "decision-core")
                .check(CLASSES);
        ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(CLASSES);
    }

    @Test
    void backendFailuresAreActuatorFailures() {
        FailureTypeRules.NO_OWN_RETRIABLE_FAILURE.check(CLASSES);
    }
}
