package io.mrm.mrmctl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.mrm.architecture.ModuleRules;
import io.mrm.architecture.ServiceModule;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    static final JavaClasses MRMCTL = ModuleRules.mainClasses("io.mrm.mrmctl");

    /** Pure domain, no other service's code (its tests start the real engine; its main code never uses it). */
    @Test
    void followsTheServiceRules() {
        ModuleRules.checkService(ServiceModule.MRMCTL);
    }

    @Test
    void theDomainNeitherParsesCommandLinesNorReadsOrWrites() {
        noClasses()
                .that()
                .resideInAPackage("io.mrm.mrmctl.domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("picocli..", "io.mrm.mrmctl.adapter..", "java.io..", "java.nio.file..")
                .because("views are built and rendered from records handed to them, so they can be tested and reused "
                        + "(the audit itself is the audit library's): read topics in the adapter package, parse "
                        + "options and write files in the commands")
                .check(MRMCTL);
    }
}
