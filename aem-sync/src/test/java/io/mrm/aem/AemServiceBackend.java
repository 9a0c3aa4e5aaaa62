package io.mrm.aem;

import io.mrm.events.TopicNames;
import io.mrm.events.auth.BusSigner;
import io.mrm.sempfake.SempV2Fake;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.EngineSide;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What an IT of the running aem-sync service (bus authentication required) stands on: a real in-process
 * broker, a replicated pair of {@link SempV2Fake} brokers (site A for region-a, site B for region-b) where each
 * application's VPN {@code <app>-a} is active and replicates to its standby {@code <app>-b}, the password file
 * the service reads, the bus keys, and the engine's side of the bus. Made once per test class, in a static
 * field registered as an extension: it closes after the class's tests.
 */
final class AemServiceBackend implements AfterAllCallback {

    private static final String PASSWORD = "it-semp-password";

    final InProcessKafka kafka = InProcessKafka.start();
    final SempV2Fake siteA;
    final SempV2Fake siteB;
    final BusKeyring keys;
    final EngineSide engine;
    private final String topicPrefix;
    private final List<String> applications;
    private final Path passwordFile;

    /**
     * @param topicPrefix  the test's own topics ({@code mrm.kafka.topic-prefix})
     * @param applications the applications configured, each with its VPN pair
     */
    AemServiceBackend(String topicPrefix, String... applications) {
        this.topicPrefix = topicPrefix;
        this.applications = List.of(applications);
        try {
            siteA = new SempV2Fake("mrm", PASSWORD);
            siteB = new SempV2Fake("mrm", PASSWORD, siteA);
            passwordFile = Files.createTempFile(
                    "semp-password",
                    ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, PASSWORD + "\n");
            passwordFile.toFile().deleteOnExit();
            keys = new BusKeyring(Files.createTempDirectory("aem-sync-it-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        for (String app : this.applications) {
            siteA.vpn(app + "-a", "active");
            siteB.vpn(app + "-b", "standby");
            siteA.replicate(app + "-a", siteB, app + "-b");
        }
        engine = new EngineSide(kafka.bootstrapServers(), new TopicNames(topicPrefix), keys, BusSigner.AEM_SYNC);
    }

    /** The service's settings: the broker, the topics, both regions of every application and the bus keys. */
    void register(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("mrm.kafka.topic-prefix", () -> topicPrefix);
        for (String app : applications) {
            for (String site : List.of("a", "b")) {
                String region = "mrm.aem.applications." + app + ".regions.region-" + site + ".";
                SempV2Fake fake = site.equals("a") ? siteA : siteB;
                registry.add(region + "semp-url", () -> fake.baseUrl().toString());
                registry.add(region + "vpn", () -> app + "-" + site);
                registry.add(region + "username", () -> "mrm");
                registry.add(region + "password.file", passwordFile::toString);
            }
        }
        // a list binds from one property source: all of the bus settings are here
        keys.properties("aem-sync", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        siteA.close();
        siteB.close();
        kafka.close();
    }
}
