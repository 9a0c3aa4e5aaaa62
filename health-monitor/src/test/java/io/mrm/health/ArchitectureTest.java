package io.mrm.health;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.mrm.architecture.ModuleRules;
import io.mrm.architecture.ServiceModule;
import org.junit.jupiter.api.Test;

/**
 * The module's layout: {@code domain} (pure Java), {@code adapter} split by job — {@code adapter.probe} (the
 * probe kinds, their transports and the scheduler), {@code adapter.alert} (the alert webhook intake),
 * {@code adapter.publish} (observations onto Kafka, shared by both) — and {@code config}, which wires them.
 * Like every service, it uses no other service's code and ships no test framework (see {@link ModuleRules}).
 */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter().importPackages("io.mrm.health");

    @Test
    void followsTheServiceRules() {
        ModuleRules.checkService(ServiceModule.HEALTH_MONITOR);
    }

    @Test
    void domainKnowsNoAdapterAndNoConfiguration() {
        noClasses()
                .that()
                .resideInAPackage("io.mrm.health.domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.mrm.health.adapter..", "io.mrm.health.config..")
                .because("the domain owns the interfaces (Probe, ObservationSink, RoundTripTransport) that adapters "
                        + "implement; a domain class that needs an adapter's type needs a domain interface instead")
                .check(CLASSES);
    }

    @Test
    void probesAlertIntakeAndPublishingDoNotDependOnEachOther() {
        slices().matching("io.mrm.health.adapter.(*)..")
                .namingSlices("adapter.$1")
                .should()
                .notDependOnEachOther()
                .because("the probes, the alert intake and the Kafka publishing meet only through the domain's "
                        + "interfaces (ObservationSink) and the wiring in config: move what two of them share into "
                        + "the domain, or wire it in config, rather than reaching into the other package")
                .check(CLASSES);
    }
}
