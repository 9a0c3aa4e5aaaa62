package io.mrm.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.mrm.decision.adapter.fixture.EngineHelper;
import io.mrm.decision.policy.fixture.KnowsKafka;
import io.mrm.decision.policy.fixture.PlainPolicy;
import io.mrm.decision.policy.fixture.ReadsAFile;
import io.mrm.dns.fixture.ReachesIntoTheMonitor;
import io.mrm.events.fixture.KnowsAService;
import io.mrm.health.fixture.MonitorHelper;
import io.mrm.mrmctl.fixture.ReachesIntoTheEngine;
import io.mrm.sandbox.fixture.ChecksWithAssertJ;
import org.junit.jupiter.api.Test;

/** Each module rule catches the violation it is about, with a message that says how to fix it. */
class ModuleRulesTest {

    static JavaClasses classes(Class<?>... types) {
        return new ClassFileImporter().importClasses(types);
    }

    @Test
    void aServiceUsingAnotherServicesCodeIsReported() {
        assertThatThrownBy(() -> ModuleRules.serviceIsIndependent(ServiceModule.DNS_ACTUATOR)
                        .check(classes(ReachesIntoTheMonitor.class, MonitorHelper.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReachesIntoTheMonitor")
                .hasMessageContaining("io.mrm.health.fixture.MonitorHelper")
                .hasMessageContaining("move what it shares with another service");
    }

    @Test
    void mrmctlUsingTheEnginesAdapterIsReportedThoughTheEngineSharesDecisionCoresRootPackage() {
        assertThatThrownBy(() -> ModuleRules.serviceIsIndependent(ServiceModule.MRMCTL)
                        .check(classes(ReachesIntoTheEngine.class, EngineHelper.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("EngineHelper");
    }

    @Test
    void theMonitorUsingItsOwnCodeIsFine() {
        assertThatCode(() -> ModuleRules.serviceIsIndependent(ServiceModule.HEALTH_MONITOR)
                        .check(classes(MonitorHelper.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void decisionCoreOutsideItsDomainPackageReadingAFileOrUsingKafkaIsReported() {
        assertThatThrownBy(() -> ModuleRules.DECISION_CORE_IS_FRAMEWORK_FREE.check(classes(ReadsAFile.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("java.nio.file.Files")
                .hasMessageContaining("parse files");
        assertThatThrownBy(() -> ModuleRules.DECISION_CORE_IS_FRAMEWORK_FREE.check(classes(KnowsKafka.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.apache.kafka.common.TopicPartition");
    }

    @Test
    void decisionCoreHandedAFunctionToReadFilesIsFine() {
        assertThatCode(() -> ModuleRules.DECISION_CORE_IS_FRAMEWORK_FREE.check(classes(PlainPolicy.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void aLibraryKnowingAServiceIsReported() {
        assertThatThrownBy(() -> ModuleRules.LIBRARIES_DEPEND_ON_NO_SERVICE.check(
                        classes(KnowsAService.class, ReachesIntoTheMonitor.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("KnowsAService")
                .hasMessageContaining("io.mrm.dns.fixture.ReachesIntoTheMonitor");
    }

    @Test
    void runtimeCodeUsingATestLibraryIsReported() {
        assertThatThrownBy(() -> ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(classes(ChecksWithAssertJ.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.assertj")
                .hasMessageContaining("test-support has no test framework");
        assertThatCode(() -> ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(classes(MonitorHelper.class)))
                .doesNotThrowAnyException();
    }
}
