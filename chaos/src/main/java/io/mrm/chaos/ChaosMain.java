package io.mrm.chaos;

import io.mrm.chaos.scenario.ChaosRunner;
import io.mrm.chaos.scenario.Scenario;
import io.mrm.chaos.scenario.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The soak: scenarios one after another, each on a fresh deployment, for a number of minutes, every run's seed drawn
 * from one seed (so a soak repeats exactly, and a failing run repeats alone with its own seed and scenario). Exits 1
 * if any invariant broke. {@code --scenario random} draws each run's scenario from the seed instead of taking
 * them in turn.
 *
 * <pre>
 * java -jar chaos/target/chaos-*-exec.jar [--minutes 30] [--seed 42] [--scenario engine-kill|random]
 *     [--flap-cycles 200] [--repository .]
 * </pre>
 */
public final class ChaosMain {

    private ChaosMain() {}

    public static void main(String[] args) throws Exception {
        long minutes = 30;
        long seed = System.nanoTime();
        String only = null;
        int flapCycles = 200;
        Path repository = Path.of(".").toAbsolutePath().normalize();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--minutes" -> minutes = Long.parseLong(required(args[i], value));
                case "--seed" -> seed = Long.parseLong(required(args[i], value));
                case "--scenario" -> only = required(args[i], value);
                case "--flap-cycles" -> flapCycles = Integer.parseInt(required(args[i], value));
                case "--repository" ->
                    repository =
                            Path.of(required(args[i], value)).toAbsolutePath().normalize();
                default -> {
                    System.err.println(
                            "unknown option " + args[i]
                                    + "; options: --minutes N, --seed S, --scenario NAME|random, --flap-cycles N, --repository DIR");
                    System.exit(2);
                }
            }
            i++;
        }
        if (!Files.exists(repository.resolve("docker-compose.yml"))) {
            System.err.println(repository + " is not the repository's root (no docker-compose.yml): use --repository");
            System.exit(2);
        }
        List<Scenario> all = ChaosRunner.scenarios(flapCycles);
        boolean random = "random".equals(only);
        // an unknown name fails here, with the known ones
        String chosen =
                only == null || random ? null : ChaosRunner.scenario(only).name();
        List<Scenario> scenarios = chosen == null
                ? all
                : all.stream().filter(s -> s.name().equals(chosen)).toList();
        System.out.println(
                "[chaos] soak for " + minutes + " min, seed " + seed + (random ? ", scenarios at random" : ""));
        ChaosRunner runner = new ChaosRunner(repository, System.out, Duration.ofMinutes(4));
        List<ScenarioResult> results = new ArrayList<>();
        if (random) {
            results.addAll(runner.runRandom(scenarios, seed, Duration.ofMinutes(minutes)));
        } else {
            SplittableRandom seeds = new SplittableRandom(seed);
            Instant end = Instant.now().plus(Duration.ofMinutes(minutes));
            for (int run = 0; Instant.now().isBefore(end); run++) {
                Scenario scenario = scenarios.get(run % scenarios.size());
                results.add(runner.run(scenario, seeds.nextLong()));
            }
        }
        System.out.println("[chaos] soak done: " + results.size() + " runs");
        System.out.print(io.mrm.chaos.scenario.TimingSummary.of(results));
        long broken = results.stream().filter(r -> !r.violations().isEmpty()).count();
        results.forEach(r -> System.out.printf(
                "  %-14s seed %-20d %s%n",
                r.scenario(),
                r.seed(),
                r.violations().isEmpty() ? "ok" : r.violations().size() + " violations"));
        System.exit(broken == 0 ? 0 : 1);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
