package io.mrm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.PrintWriter;
import java.io.RandomAccessFile;

/**
 * The rules about which module may use what. Each module's {@code ArchitectureTest} checks the ones that
 * apply to it; every rule's {@code because} says how to fix a violation.
 */
public final class ModuleRules {

    /** The packages of decision-core: the engine's rules, replayed by mrmctl and the simulation. */
    public static final String[] DECISION_CORE = {"io.mrm.decision.domain..", "io.mrm.decision.policy.."};
    /** The library modules' packages: shared by services, so they depend on none. */
    public static final String[] LIBRARIES = {
        "io.mrm.events..", "io.mrm.kafka..", "io.mrm.decision.domain..", "io.mrm.decision.policy..", "io.mrm.audit.."
    };

    private static final DescribedPredicate<JavaClass> FILE_ACCESS = JavaClass.Predicates.resideInAnyPackage(
                    "java.nio.file..")
            .or(JavaClass.Predicates.belongToAnyOf(
                    File.class,
                    FileDescriptor.class,
                    FileInputStream.class,
                    FileOutputStream.class,
                    FileReader.class,
                    FileWriter.class,
                    RandomAccessFile.class,
                    PrintWriter.class))
            .as("access files (java.nio.file, java.io.File...)");

    private static final DescribedPredicate<JavaClass> FRAMEWORKS = JavaClass.Predicates.resideInAnyPackage(
                    "org.springframework..",
                    "org.apache.kafka..",
                    "com.fasterxml.jackson..",
                    "tools.jackson..",
                    "io.cloudevents..",
                    "jakarta..",
                    "io.micrometer..",
                    "org.slf4j..",
                    "org.yaml..")
            .as("are Spring, Kafka, Jackson, CloudEvents, Jakarta, Micrometer, SLF4J or SnakeYAML types");

    /**
     * decision-core as a whole, not only its domain package, is plain Java: mrmctl replays it and the simulation
     * runs it millions of times on a virtual clock, neither with a framework or a file system of its own.
     */
    public static final ArchRule DECISION_CORE_IS_FRAMEWORK_FREE = noClasses()
            .that()
            .resideInAnyPackage(DECISION_CORE)
            .should()
            .dependOnClassesThat(
                    FRAMEWORKS.or(FILE_ACCESS).as(FRAMEWORKS.getDescription() + " or " + FILE_ACCESS.getDescription()))
            .because("decision-core is the engine's rules as plain Java, shared by the engine, mrmctl's replay and "
                    + "the simulation: parse files (YAML policies, keys) in the module that reads them (e.g. "
                    + "mrmctl's adapter.PolicyFile) and hand decision-core values or a function it owns "
                    + "(e.g. a key-file reader)");

    /**
     * The audit library as a whole is plain Java: mrmctl and the status board read the topics and hand it records,
     * and write what it renders to a file or a page themselves.
     */
    public static final ArchRule AUDIT_IS_FRAMEWORK_FREE = noClasses()
            .that()
            .resideInAPackage("io.mrm.audit..")
            .should()
            .dependOnClassesThat(
                    FRAMEWORKS.or(FILE_ACCESS).as(FRAMEWORKS.getDescription() + " or " + FILE_ACCESS.getDescription()))
            .because("the audit is built from records handed to it and rendered to strings, so that mrmctl and the "
                    + "status board can share it: read the topics and write files in the module that uses it");

    /** A library shared by the services knows none of them. */
    public static final ArchRule LIBRARIES_DEPEND_ON_NO_SERVICE = noClasses()
            .that()
            .resideInAnyPackage(LIBRARIES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ServiceModule.allPackages())
            .because("common-events, kafka-support and decision-core are shared by every service: move what the "
                    + "library needs from a service into the library (or invert it behind an interface the "
                    + "library owns)");

    private static final String[] TEST_FRAMEWORKS = {
        "org.junit..",
        "com.tngtech.archunit..",
        "org.mockito..",
        "org.assertj..",
        "org.springframework.test..",
        "org.springframework.kafka.test.."
    };

    /**
     * What a runnable module (the sandbox, the benchmarks, the simulation) ships uses no test framework: those
     * are on its test classpath only. In-process Kafka comes from test-support, which carries none.
     */
    public static final ArchRule SHIPS_NO_TEST_FRAMEWORK = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(TEST_FRAMEWORKS)
            .because("this module runs outside tests and does not ship JUnit, ArchUnit, Mockito or AssertJ: "
                    + "move the helper into test sources, or into test-support if it is a runtime helper "
                    + "(test-support has no test framework on purpose)");

    private ModuleRules() {}

    /**
     * A service's code uses no other service's packages: services are deployed apart and talk only through
     * the topics. What two services share belongs in a library module.
     */
    public static ArchRule serviceIsIndependent(ServiceModule service) {
        return noClasses()
                .that()
                .resideInAnyPackage(service.packages().toArray(String[]::new))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(service.otherServicesPackages())
                .because(service.artifactId() + " is deployed on its own and talks to other services only through "
                        + "the topics: move what it shares with another service into common-events, kafka-support "
                        + "or decision-core");
    }

    /** The main (not test) classes under these packages, e.g. {@code io.mrm.dns}. */
    public static JavaClasses mainClasses(String... packages) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(packages);
    }

    /**
     * The checks every service runs on its own main classes: its domain is pure Java, it reaches into no other
     * service, and it uses no test framework.
     */
    public static void checkService(ServiceModule service) {
        JavaClasses classes = mainClasses(service.packages().stream()
                .map(p -> p.endsWith("..") ? p.substring(0, p.length() - 2) : p)
                .toArray(String[]::new));
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(classes);
        serviceIsIndependent(service).check(classes);
        SHIPS_NO_TEST_FRAMEWORK.check(classes);
    }
}
