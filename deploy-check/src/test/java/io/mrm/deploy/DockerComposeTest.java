package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml read as YAML (anchors and merge keys resolved) and checked against the repository. */
class DockerComposeTest {

    @SuppressWarnings("unchecked")
    private static final Map<String, Object> COMPOSE =
            new Yaml().load(Repo.read(Repo.ROOT.resolve("docker-compose.yml")));

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) (Map<?, ?>) COMPOSE.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** Compose service name → the repository module it is built from. */
    private static Map<String, String> builtFromRepo() {
        Map<String, String> out = new TreeMap<>();
        services().forEach((name, service) -> {
            Map<String, Object> build = map(service.get("build"));
            if (!build.isEmpty()) {
                assertThat(build.get("context")).as(name + " build context").isEqualTo(".");
                out.put(name, String.valueOf(map(build.get("args")).get("SERVICE")));
            }
        });
        return out;
    }

    @Test
    void theStackBuildsEveryServiceModuleAndNothingElse() {
        assertThat(new TreeSet<>(builtFromRepo().values())).isEqualTo(Repo.serviceModules());
        builtFromRepo()
                .forEach((name, module) ->
                        assertThat(services().get(name).get("image")).as(name).isEqualTo("mrm/" + module + ":local"));
    }

    @Test
    void theDockerfileBuildsAndCopiesEveryServiceModule() {
        String dockerfile = Repo.read(Repo.ROOT.resolve("Dockerfile"));
        Matcher pl = Pattern.compile("-pl ([a-z,-]+)").matcher(dockerfile);
        assertThat(pl.find()).isTrue();
        assertThat(new TreeSet<>(List.of(pl.group(1).split(",")))).isEqualTo(Repo.serviceModules());
        Matcher loop = Pattern.compile("for service in ([a-z -]+);").matcher(dockerfile);
        assertThat(loop.find()).isTrue();
        assertThat(new TreeSet<>(List.of(loop.group(1).trim().split(" +")))).isEqualTo(Repo.serviceModules());
        assertThat(dockerfile)
                .contains("FROM eclipse-temurin:17-jre")
                .contains("USER 10001")
                .contains("-exec.jar");
    }

    @Test
    void everyServiceWaitsForKafkaReportsReadinessAndSetsOnlyVariablesItReads() {
        Set<String> instances = new HashSet<>();
        builtFromRepo().forEach((name, module) -> {
            Map<String, Object> service = services().get(name);
            Map<String, Object> env = map(service.get("environment"));
            assertThat(env.get("MRM_KAFKA_BOOTSTRAP_SERVERS")).as(name).isEqualTo("kafka:9092");
            assertThat(map(map(service.get("depends_on")).get("kafka")).get("condition"))
                    .as(name)
                    .isEqualTo("service_healthy");
            assertThat(instances.add(String.valueOf(env.get("MRM_INSTANCE"))))
                    .as(name + " MRM_INSTANCE unique")
                    .isTrue();
            @SuppressWarnings("unchecked")
            List<String> test = (List<String>) map(service.get("healthcheck")).get("test");
            assertThat(String.join(" ", test))
                    .as(name + " healthcheck")
                    .contains("http://localhost:" + Repo.defaultHttpPort(module) + "/actuator/health/readiness");

            List<String> mounted = new ArrayList<>();
            for (Object volume : (List<?>) service.getOrDefault("volumes", List.of())) {
                String hostPath = String.valueOf(volume).split(":")[0];
                if (hostPath.startsWith("./") && hostPath.endsWith(".yml")) {
                    mounted.add(Repo.read(Repo.ROOT.resolve(hostPath)));
                }
            }
            Set<String> placeholders = Repo.environmentRead(module, mounted.toArray(String[]::new));
            assertThat(env.keySet())
                    .as(name + ": variables " + module + " does not read")
                    .allMatch(variable -> Repo.reads(module, variable, placeholders));
        });
    }

    @Test
    void threeMonitorsWatchFromRegionARegionBAndTheControlSite() {
        Map<String, String> vantageRegions = new TreeMap<>();
        builtFromRepo().forEach((name, module) -> {
            if (module.equals("health-monitor")) {
                Map<String, Object> env = map(services().get(name).get("environment"));
                vantageRegions.put(
                        String.valueOf(env.get("MRM_VANTAGE")), String.valueOf(env.get("MRM_VANTAGE_REGION")));
            }
        });
        assertThat(vantageRegions).hasSize(3);
        assertThat(new TreeSet<>(vantageRegions.values())).containsExactly("control", "region-a", "region-b");
    }

    @Test
    void theBackingServicesAreThere() {
        Map<String, Map<String, Object>> services = services();
        for (String postgres : List.of("postgres-a", "postgres-b")) {
            assertThat(String.valueOf(services.get(postgres).get("command")))
                    .as(postgres)
                    .contains("wal_level=logical");
        }
        assertThat(String.valueOf(services.get("kafka").get("image"))).startsWith("apache/kafka:");
        assertThat(map(services.get("kafka").get("environment")).get("KAFKA_PROCESS_ROLES"))
                .isEqualTo("broker,controller");
        assertThat(String.valueOf(services.get("localstack").get("image"))).startsWith("localstack/localstack:");
        for (String solace : List.of("solace-a", "solace-b")) {
            assertThat(services.get(solace).get("profiles")).as(solace).isEqualTo(List.of("solace"));
        }
        services.forEach((name, service) -> {
            if (!name.startsWith("solace-")) {
                assertThat(service.get("profiles"))
                        .as(name + " starts without a profile")
                        .isNull();
            }
        });
    }

    @Test
    void everyThirdPartyImageIsPinnedToAVersion() {
        services().forEach((name, service) -> {
            String image = String.valueOf(service.get("image"));
            if (!image.startsWith("mrm/")) {
                assertThat(image)
                        .as(name + ": a tag that moves (or none) is no reproducible drill")
                        .contains(":")
                        .doesNotEndWith(":latest");
            }
        });
    }

    @Test
    void secretsAreFilesTheStackWritesAndGitIgnores() {
        Map<String, Object> secrets = map(COMPOSE.get("secrets"));
        String script = Repo.read(Repo.ROOT.resolve("deploy/compose/make-secrets.sh"));
        assertThat(Repo.read(Repo.ROOT.resolve(".gitignore"))).contains("deploy/compose/secrets/");
        secrets.forEach((name, spec) -> {
            assertThat(map(spec).get("file")).as(name).isEqualTo("./deploy/compose/secrets/" + name);
            assertThat(script.contains("write " + name + " ") || script.contains("\"$dir/" + name + "\""))
                    .as("make-secrets.sh writes " + name)
                    .isTrue();
        });
        services().forEach((name, service) -> {
            for (Object used : (List<?>) service.getOrDefault("secrets", List.of())) {
                assertThat(secrets).as(name + " uses secret " + used).containsKey(String.valueOf(used));
            }
        });
    }

    @Test
    void theDnsActuatorAndBindAgreeOnServerKeyAndName() {
        @SuppressWarnings("unchecked")
        Map<String, Object> rfc2136 =
                map(map(map(map(new Yaml().load(Repo.read(Repo.ROOT.resolve("deploy/compose/dns-actuator.yml"))))
                                        .get("mrm"))
                                .get("dns"))
                        .get("rfc2136"));
        assertThat(String.valueOf(rfc2136.get("server"))).startsWith("dns:");
        assertThat(services()).containsKey("dns");
        String keyName = String.valueOf(map(rfc2136.get("tsig")).get("key-name"));
        assertThat(Repo.read(Repo.ROOT.resolve("deploy/compose/make-secrets.sh")))
                .contains("key \\\"" + keyName + "\\\"");
        String named = Repo.read(Repo.ROOT.resolve("deploy/compose/dns/named.conf"));
        Map<String, Object> shop = map(map(rfc2136.get("applications")).get("shop"));
        assertThat(named)
                .contains("grant " + keyName + " name " + shop.get("name") + ". CNAME;")
                .contains("grant " + keyName + " name _mrm-epoch." + shop.get("name") + ". TXT;")
                .contains("zone \"" + shop.get("zone") + "\"");
    }
}
