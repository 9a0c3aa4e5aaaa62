package io.mrm.sandbox;

import io.mrm.events.topology.TopologyState;
import io.mrm.health.adapter.probe.HttpClients;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sandbox [--interactive] [--timeout=60s]}: runs a scripted outage of region A and exits 0
 * with the measured time to switch, or, with {@code --interactive}, keeps everything running for
 * you to break and mend regions yourself.
 */
public final class SandboxMain {

    private SandboxMain() {}

    public static void main(String[] args) throws Exception {
        // The health monitors' HTTP clients need a common pool of at least 2 on 2-CPU machines (see HttpClients).
        if (System.getProperty(HttpClients.COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(HttpClients.COMMON_POOL_PARALLELISM, "2");
        }
        boolean interactive = false;
        Duration timeout = Duration.ofSeconds(60);
        for (String arg : args) {
            if (arg.equals("--interactive")) {
                interactive = true;
            } else if (arg.startsWith("--timeout=")) {
                timeout = Duration.parse(
                        "PT" + arg.substring("--timeout=".length()).toUpperCase());
            } else {
                System.err.println("unknown argument '" + arg + "'; usage: sandbox [--interactive] [--timeout=60s]");
                System.exit(2);
            }
        }
        PrintStream out = System.out;
        Sandbox sandbox = Sandbox.start(out);
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "sandbox-shutdown"));
        if (interactive) {
            out.println();
            out.println("MRM sandbox is running. Break or mend a region with:");
            out.println("  curl -X POST " + sandbox.regionA().baseUrl() + "/control/fail");
            out.println("  curl -X POST " + sandbox.regionA().baseUrl() + "/control/recover");
            out.println("  (region-b: " + sandbox.regionB().baseUrl() + ")");
            out.println("Start or end a change freeze (the plan's pre-flight hook then vetoes every switch, or not):");
            out.println("  " + sandbox.freezeCommand(true));
            out.println("  " + sandbox.freezeCommand(false));
            out.println("Ask the DNS server where " + Sandbox.DNS_NAME + " points (and its fencing token):");
            out.println("  " + sandbox.digCommand());
            out.println("  " + sandbox.digTokenCommand());
            out.println("Steer it with mrmctl (in another terminal, from this folder); requests are signed with the");
            out.println("sandbox operators' keys, and the two-person rule is on: alice asks, bob approves:");
            out.println("  export MRM_KAFKA_BOOTSTRAP_SERVERS=" + sandbox.bootstrapServers());
            out.println("  ./mrmctl.sh status");
            out.println("  ./mrmctl.sh readiness " + Sandbox.APP);
            out.println("  ./mrmctl.sh --operator alice --key " + sandbox.keyFile(Sandbox.ALICE) + " drill "
                    + Sandbox.APP + " --reason rehearsal   (bob approves it as below)");
            out.println("  ./mrmctl.sh --operator alice --key " + sandbox.keyFile(Sandbox.ALICE) + " failover "
                    + Sandbox.APP + " --to " + Sandbox.REGION_B + " --reason drill");
            out.println("  ./mrmctl.sh --operator bob --key " + sandbox.keyFile(Sandbox.BOB) + " approve " + Sandbox.APP
                    + " DECISION_ID --follow");
            out.println("  ./mrmctl.sh audit " + Sandbox.APP + " --format html --out audit.html");
            out.println("Watch it in a browser on the status board (read-only, live): " + sandbox.statusBoardUrl());
            out.println("Each service's metrics (Prometheus text format):");
            sandbox.prometheusUrls().forEach((label, url) -> out.println("  " + label + ": " + url));
            out.println("Kafka: " + sandbox.bootstrapServers() + "   Ctrl-C stops everything.");
            new CountDownLatch(1).await();
            return;
        }
        int exit;
        try {
            // Before anything breaks: could a switch to region B run? The actuators' read-only checks say.
            sandbox.awaitStandbyReady(timeout);
            sandbox.mrmctl(Sandbox.ALICE, timeout, "readiness", Sandbox.APP);
            out.println();
            // Then rehearse the switch: every step checked and timed by its actuator, nothing changed.
            io.mrm.events.decision.Alert drill = sandbox.runDrill(timeout);
            out.println();
            out.println("SUMMARY: drill " + drill.code() + ": " + drill.message());
            out.println();
            Sandbox.OutageResult result = sandbox.runScriptedOutage(timeout);
            out.println();
            out.printf(
                    "SUMMARY: %s failed over from %s to %s (epoch %d): outage -> decision %d ms, "
                            + "outage -> acknowledged switch %d ms (the drill predicted: %s); DNS %s: %s -> %s%n",
                    Sandbox.APP,
                    Sandbox.REGION_A,
                    Sandbox.REGION_B,
                    result.decision().epoch(),
                    result.detection().toMillis(),
                    result.timeToSwitch().toMillis(),
                    drill.message()
                            .replaceAll("^.*(predicted RTO [^;(]*).*$", "$1")
                            .trim(),
                    Sandbox.DNS_NAME,
                    result.dnsBefore(),
                    result.dnsAfter());
            out.println();
            io.mrm.events.decision.Alert vetoed = sandbox.runVetoedFailback(timeout);
            out.println();
            out.println("SUMMARY: the pre-flight hook vetoed the first failback, nothing changed: " + vetoed.message());
            out.println();
            TopologyState back = sandbox.runFailbackWithApproval(timeout);
            out.printf(
                    "SUMMARY: %s failed back to %s (epoch %d), asked by %s and approved by %s, both signed; "
                            + "DNS %s: %s%n",
                    Sandbox.APP,
                    back.activeRegion(),
                    back.epoch(),
                    Sandbox.ALICE,
                    Sandbox.BOB,
                    Sandbox.DNS_NAME,
                    sandbox.dnsAnswer());
            out.println();
            // Replay the journal (it must reproduce every decision), then backtest a stricter policy.
            String backtest = sandbox.replayAndBacktest(timeout);
            out.println();
            // Last, the record itself: what happened, who did it and why, read back from the topics.
            Path report = sandbox.workDir().resolve("audit.html");
            sandbox.mrmctl(
                    Sandbox.ALICE, timeout, "audit", Sandbox.APP, "--format", "html", "--out", report.toString());
            sandbox.mrmctl(Sandbox.ALICE, timeout, "audit", Sandbox.APP);
            out.println();
            out.println("SUMMARY: the replay reproduced every decision; the stricter policy "
                    + (backtest.contains("decision 1\n")
                            ? "decides differently ("
                                    + backtest.lines()
                                            .filter(l -> l.matches("\\d+ of \\d+ rows differ"))
                                            .findFirst()
                                            .orElse("")
                                    + ")"
                            : "was not compared")
                    + "; the audit above shows both runs (HTML: " + report + ")");
            exit = 0;
        } catch (RuntimeException e) {
            out.println();
            out.println("SUMMARY: the failover did not complete within " + timeout + ": " + e.getMessage());
            exit = 1;
        }
        sandbox.close();
        System.exit(exit);
    }
}
