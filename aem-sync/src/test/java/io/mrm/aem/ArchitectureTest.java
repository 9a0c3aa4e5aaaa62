package io.mrm.aem;

import io.mrm.architecture.ModuleRules;
import io.mrm.architecture.ServiceModule;
import org.junit.jupiter.api.Test;

/** Its domain is pure Java, it uses no other service's code and no test framework (see {@link ModuleRules}). */
class ArchitectureTest {

    @Test
    void followsTheServiceRules() {
        ModuleRules.checkService(ServiceModule.AEM_SYNC);
    }
}
