package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.testsupport.RequiredTools;
import io.mrm.testsupport.RequiredTools.Tool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where kubectl (with its built-in kustomize) is installed, the renderer's output must equal
 * kustomize's, resource for resource; elsewhere this is reported skipped with the reason,
 * except under CI ({@code MRM_REQUIRE_TOOLS=1}), where a missing kubectl fails.
 */
class KustomizeCrossCheckTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"region-a", "region-b", "control", "monitoring"})
    void theRendererAgreesWithKustomize(String overlay) throws Exception {
        String version = kustomizeVersion();
        RequiredTools.skipReason(
                        new Tool(
                                "kubectl with kustomize v5 or newer (found: " + version + ")",
                                ".ci/run, which fetches one",
                                "the check against kustomize"),
                        version != null && version.matches("v[5-9].*"))
                .ifPresent(Assumptions::abort);
        Manifests.render(overlay, work); // makes the copy with the secret files in place
        Path out = work.resolve("kustomize-" + overlay + ".yaml");
        Process kubectl = new ProcessBuilder(
                        "kubectl",
                        "kustomize",
                        work.resolve("k8s/overlays").resolve(overlay).toString())
                .redirectOutput(out.toFile())
                .redirectErrorStream(false)
                .start();
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS))
                .as("kubectl kustomize finished in 60 s")
                .isTrue();
        assertThat(kubectl.exitValue())
                .as("kubectl kustomize: " + new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();

        Map<String, JsonNode> theirs = byIdentity(StrictYaml.documents(out));
        Map<String, JsonNode> ours = byIdentity(List.copyOf(
                KustomizeRenderer.render(work.resolve("k8s/overlays").resolve(overlay))));
        assertThat(ours.keySet()).isEqualTo(theirs.keySet());
        theirs.forEach((id, resource) -> assertThat(ours.get(id)).as(id).isEqualTo(resource));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** The kustomize version kubectl reports, or null without kubectl. */
    private static String kustomizeVersion() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            var m = java.util.regex.Pattern.compile("Kustomize Version: (\\S+)").matcher(text);
            return m.find() ? m.group(1) : "kubectl without kustomize";
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, JsonNode> byIdentity(List<? extends JsonNode> resources) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode r : resources) {
            if (r.path("kind").asText().equals("Secret") && r.path("data").isObject()) {
                // kustomize wraps base64 at 76 columns; the API server ignores the line breaks
                var data = (com.fasterxml.jackson.databind.node.ObjectNode) r.get("data");
                List.copyOf(iterable(data.fieldNames()))
                        .forEach(key -> data.put(key, data.get(key).asText().replaceAll("\\s", "")));
            }
            out.put(
                    r.path("apiVersion").asText() + "/" + r.path("kind").asText() + " "
                            + r.path("metadata").path("namespace").asText() + "/"
                            + r.path("metadata").path("name").asText(),
                    r);
        }
        return out;
    }
}
