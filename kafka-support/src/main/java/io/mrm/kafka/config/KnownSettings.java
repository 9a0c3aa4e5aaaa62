package io.mrm.kafka.config;

import io.mrm.events.text.Nearest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;

/**
 * The names a service's {@code @ConfigurationProperties} take from given sources, found by binding
 * each root once more with {@link NameRecordingBindHandler}. Asking is what counts: the binder asks
 * for every field of a record at every list index and map key present in the sources, so a name it
 * never asked for is one nothing reads — wherever it sits (a nested record, a list element, the
 * fields of a map's value; a map's keys themselves are free).
 *
 * <p>List indexes count by shape: {@code targets[1].url} is known when any element's {@code url} is.
 * Spring takes a list whole from the first source that has it, so the elements of the same list in a
 * source below it are never asked for; they are overridden, like any value a higher source sets, not
 * misspelt.
 */
final class KnownSettings {

    private final Set<ConfigurationPropertyName> visited;
    private final List<ConfigurationPropertyName> roots;
    /** The shape of each visited name and of each of its ancestors → the names one level below it. */
    private final Map<String, Set<ConfigurationPropertyName>> below = new HashMap<>();

    private final Set<String> shapes = new HashSet<>();
    private Set<String> variables;

    private KnownSettings(Set<ConfigurationPropertyName> visited, List<ConfigurationPropertyName> roots) {
        this.visited = visited;
        this.roots = roots;
        for (ConfigurationPropertyName name : visited) {
            shapes.add(shape(name));
            for (int size = 1; size <= name.getNumberOfElements(); size++) {
                below.computeIfAbsent(shape(name.chop(size - 1)), k -> new LinkedHashSet<>())
                        .add(name.chop(size));
            }
        }
    }

    static KnownSettings visit(
            Iterable<ConfigurationPropertySource> sources,
            PlaceholdersResolver placeholders,
            Collection<SettingsRoot> roots) {
        Binder binder = new Binder(sources, placeholders);
        NameRecordingBindHandler recorder = new NameRecordingBindHandler();
        for (SettingsRoot root : roots) {
            binder.bind(root.prefix(), root.bindable(), recorder);
        }
        return new KnownSettings(
                recorder.visited(),
                roots.stream().map(SettingsRoot::prefix).distinct().toList());
    }

    boolean contains(ConfigurationPropertyName name) {
        return visited.contains(name) || shapes.contains(shape(name));
    }

    Set<ConfigurationPropertyName> names() {
        return visited;
    }

    /** Whether the name lies inside some root, i.e. where the binder looks for settings. */
    boolean isUnderARoot(ConfigurationPropertyName name) {
        return roots.stream().anyMatch(root -> root.equals(name) || root.isAncestorOf(name));
    }

    /**
     * The known name nearest to an unknown one: below its deepest known ancestor, the setting whose
     * name is nearest to the element typed there, followed by the rest of what was typed. When the
     * typed element is itself a setting that takes no nested keys, that setting.
     */
    Optional<String> nearest(ConfigurationPropertyName typed) {
        for (int size = typed.getNumberOfElements() - 1; size >= 0; size--) {
            Set<ConfigurationPropertyName> options = below.get(shape(typed.chop(size)));
            if (options == null || options.isEmpty()) {
                continue;
            }
            Map<String, ConfigurationPropertyName> byElement = new LinkedHashMap<>();
            options.forEach(option -> byElement.putIfAbsent(option.getLastElement(Form.UNIFORM), option));
            String element = typed.getElement(size, Form.UNIFORM);
            String best = Nearest.of(element, byElement.keySet()).orElseThrow();
            ConfigurationPropertyName option = byElement.get(best);
            if (best.equals(element)) {
                return Optional.of(render(typed, size + 1, null));
            }
            return Optional.of(render(typed, size, option));
        }
        return Optional.empty();
    }

    /**
     * Whether an environment variable spells a known name, in Spring's form
     * ({@code MRM_KAFKA_REPLICATIONFACTOR}) or with underscores for dashes ({@code MRM_KAFKA_REPLICATION_FACTOR}).
     */
    boolean containsVariable(String variable) {
        return variables().contains(variable.toUpperCase(Locale.ROOT));
    }

    /** The environment variable nearest to an unknown one, among those the settings would read. */
    Optional<String> nearestVariable(String typed, Collection<String> referencedVariables) {
        Set<String> candidates = new LinkedHashSet<>(referencedVariables);
        candidates.addAll(variables());
        return Nearest.of(typed.toUpperCase(Locale.ROOT), candidates);
    }

    private Set<String> variables() {
        if (variables == null) {
            Set<String> all = new LinkedHashSet<>();
            for (ConfigurationPropertyName name : visited) {
                all.add(variable(name, ""));
                all.add(variable(name, "_"));
            }
            variables = all;
        }
        return variables;
    }

    /**
     * {@code mrm.kafka.replication-factor} → {@code MRM_KAFKA_REPLICATIONFACTOR} (dash "") or
     * {@code MRM_KAFKA_REPLICATION_FACTOR} (dash "_").
     */
    private static String variable(ConfigurationPropertyName name, String dash) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            out.append(i == 0 ? "" : "_").append(name.getElement(i, Form.DASHED).replace("-", dash));
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    /** The name with every list index replaced by {@code *}: {@code targets[1].url} → {@code targets.*.url}. */
    private static String shape(ConfigurationPropertyName name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            out.append(i == 0 ? "" : ".").append(name.isNumericIndex(i) ? "*" : name.getElement(i, Form.UNIFORM));
        }
        return out.toString();
    }

    /**
     * The typed name up to {@code keep} elements (as typed), then {@code replacement} (if any) and the
     * rest of the typed elements after it.
     */
    private static String render(ConfigurationPropertyName typed, int keep, ConfigurationPropertyName replacement) {
        StringBuilder out = new StringBuilder();
        int end = replacement == null ? keep : typed.getNumberOfElements();
        for (int i = 0; i < end; i++) {
            ConfigurationPropertyName element = replacement != null && i == keep ? replacement : typed.chop(i + 1);
            append(out, element.getLastElement(Form.ORIGINAL), element.isLastElementIndexed());
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String element, boolean indexed) {
        if (indexed) {
            out.append('[').append(element).append(']');
        } else {
            out.append(out.isEmpty() ? "" : ".").append(element);
        }
    }
}
