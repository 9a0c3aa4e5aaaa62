package io.mrm.benchmarks;

import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks run the monitor, the engine and hana-sync in process on purpose, so the services'
 * independence rule does not apply here; what must hold is that this runnable module ships no test framework.
 */
class ArchitectureTest {

    @Test
    void shipsNoTestFramework() {
        ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(ModuleRules.mainClasses("io.mrm.benchmarks"));
    }
}
