package io.mrm.decision;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.mrm.architecture.DomainPurityRules;
import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/** decision-core is the engine's rules as plain Java, all of it: the domain and the policy settings. */
class ArchitectureTest {

    static final JavaClasses CORE = ModuleRules.mainClasses("io.mrm.decision.domain", "io.mrm.decision.policy");

    @Test
    void domainIsPureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(CORE);
    }

    @Test
    void theWholeModuleIsFrameworkFreeAndReadsNoFiles() {
        ModuleRules.DECISION_CORE_IS_FRAMEWORK_FREE.check(CORE);
    }

    @Test
    void usesNoServicesCodeNotEvenTheEnginesThatSharesItsRootPackage() {
        ModuleRules.LIBRARIES_DEPEND_ON_NO_SERVICE.check(CORE);
    }
}
