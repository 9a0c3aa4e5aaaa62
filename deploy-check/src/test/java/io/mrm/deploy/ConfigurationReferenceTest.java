package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's reference is what the services' configuration metadata says today: a setting
 * added, renamed or re-described in a {@code @ConfigurationProperties} record fails this test until the
 * document is regenerated. With {@code -Dmrm.write-configuration-reference=true} it writes the document
 * instead of comparing.
 */
class ConfigurationReferenceTest {

    @Test
    void theCommittedReferenceIsTheGeneratedOne() throws IOException {
        String document = Repo.read(ConfigurationReference.DOCUMENT);
        String generated = ConfigurationReference.render();
        if (Boolean.getBoolean("mrm.write-configuration-reference")) {
            Files.writeString(
                    ConfigurationReference.DOCUMENT, ConfigurationReference.withReference(document, generated));
            document = Repo.read(ConfigurationReference.DOCUMENT);
        }
        assertThat(ConfigurationReference.committedReference(document))
                .as("docs/configuration.md's generated reference differs from the services' configuration metadata;"
                        + " regenerate it with\n  " + ConfigurationReference.REGENERATE + "\n")
                .isEqualTo(generated);
    }

    @Test
    void everyServiceAndTheSharedSettingsHaveMetadata() {
        // the annotation processor is wired into each module that binds settings: else its settings
        // would silently drop out of the reference
        Set<String> expected = new TreeSet<>(Repo.serviceModules());
        expected.add("kafka-support");
        assertThat(ConfigurationReference.metadataByModule().keySet()).containsAll(expected);
    }

    @Test
    void everySettingIsDescribed() {
        // each setting's description is its record component's @param javadoc (CONVENTIONS: javadoc per field)
        List<String> undescribed = ConfigurationReference.render()
                .lines()
                .filter(line -> line.startsWith("| `mrm.") && line.endsWith("|  |"))
                .map(line -> line.substring(2, line.indexOf('`', 3) + 1))
                .toList();
        assertThat(undescribed)
                .as("settings without a @param javadoc in their configuration record")
                .isEmpty();
    }

    @Test
    void listAndMapElementsAreDescribedFromTheirRecords() {
        String generated = ConfigurationReference.render();
        // processor metadata: a top-level setting with its default and javadoc
        assertThat(generated).contains("| `mrm.decision.tick-interval` | Duration | `1s` | how often time is applied");
        // an element of a list, read by reflection with its @DefaultValue and its @param javadoc
        assertThat(generated)
                .containsPattern(
                        "\\| `mrm\\.decision\\.applications\\[\\*]\\.quorum` \\| Integer \\| `[0-9]+` \\| \\S");
        // an element of a map, and a record nested in it
        assertThat(generated).contains("`mrm.data.postgres.applications.<key>.regions.<key>.password.env`");
    }
}
