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
    void theAuditDomainNeitherParsesCommandLinesNorReadsOrWrites() {
        noClasses()
                .that()
                .resideInAPackage("io.mrm.mrmctl.domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("picocli..", "io.mrm.mrmctl.adapter..", "java.io..", "java.nio.file..")
                .because("the audit is built and rendered from records handed to it, so it can be tested and reused "
                        + "(the sandbox renders it too): read topics in adapter.TopicReader, parse options and write "
                        + "files in AuditCommand")
                .check(MRMCTL);
    }
}
