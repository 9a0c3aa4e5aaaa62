package io.mrm.mrmctl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mrm.architecture.DomainPurityRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    static final JavaClasses MRMCTL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.mrm.mrmctl");

    @Test
    void domainIsPureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(MRMCTL);
    }

    @Test
    void theAuditDomainNeitherParsesCommandLinesNorReadsOrWrites() {
        noClasses().that().resideInAPackage("io.mrm.mrmctl.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "io.mrm.mrmctl.adapter..",
                        "java.io..", "java.nio.file..")
                .because("the audit is built and rendered from records handed to it, so it can be tested and reused "
                        + "(the sandbox renders it too): read topics in adapter.TopicReader, parse options and write "
                        + "files in AuditCommand")
                .check(MRMCTL);
    }
}
