package io.mrm.mrmctl;

import io.mrm.events.Require;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mrmctl sign}: signs a request without sending it. The request is parsed and built by a nested run of
 * its own command, which writes the signed record to files instead of publishing it.
 */
@Command(
        name = "sign",
        description = "Sign a request without sending it: writes FILE.json (the body) and "
                + "FILE.headers (CloudEvents headers, one name=value per line) for any Kafka client that partitions "
                + "keys like Kafka's Java client, e.g. kcat -X partitioner=murmur2_random (the command is printed). "
                + "Example: mrmctl --key alice.key --operator alice sign --out req freeze shop --reason 'CHG-42'",
        sortOptions = false)
final class SignCommand implements Callable<Integer> {

    /** The commands whose requests can be signed. */
    static final List<String> REQUEST_COMMANDS = List.of(
            "failover",
            "failback",
            "approve",
            "reject",
            "freeze",
            "unfreeze",
            "ack-hold-down",
            "resume",
            "skip",
            "abort",
            "drill");

    @ParentCommand
    Mrmctl mrmctl;

    // sortOptions = false: the help lists the options in this order
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Prefix of the files to write.")
    Path out;

    @Option(
            names = "--cluster-id",
            paramLabel = "ID",
            description = "The Kafka cluster id of the environment the request is for (default: asks "
                    + "--bootstrap-servers). An engine on another cluster refuses it.")
    String clusterId;

    @Parameters(
            index = "0..*",
            arity = "1..*",
            paramLabel = "REQUEST",
            description = "A request command and its arguments, as you would run it.")
    List<String> request;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        args.add("--topic-prefix=" + mrmctl.topicPrefix);
        args.add("--output=" + mrmctl.output);
        if (mrmctl.operator != null) {
            args.add("--operator=" + mrmctl.operator);
        }
        if (mrmctl.keyFile != null) {
            args.add("--key=" + mrmctl.keyFile);
        }
        args.addAll(request);
        String name = request.get(0);
        if (!REQUEST_COMMANDS.contains(name)) {
            throw mrmctl.usageError("sign: '" + name + "' is not a request; one of " + REQUEST_COMMANDS);
        }
        if (clusterId != null) {
            mrmctl.checked("--cluster-id", () -> Require.clusterId("--cluster-id", clusterId));
        }
        Mrmctl nested = new Mrmctl(mrmctl.clock);
        nested.signOnlyTo = out;
        nested.contextsApplied = true; // it gets the settings resolved here
        nested.keyLabel = mrmctl.keyLabel;
        // asked before the request is built, so the time it is issued at is not spent waiting for Kafka
        if (mrmctl.keyFile != null
                && clusterId == null
                && (mrmctl.bootstrapServers == null || mrmctl.bootstrapServers.isBlank())) {
            throw mrmctl.usageError("sign: --cluster-id or --bootstrap-servers is needed: a request is signed for one "
                    + "Kafka cluster (an engine on another refuses it)");
        }
        nested.signForCluster = mrmctl.keyFile == null
                ? null
                : clusterId != null ? clusterId : mrmctl.kafka().clusterId(mrmctl.deadline());
        CommandLine cli = Mrmctl.commandLine(nested);
        cli.setOut(mrmctl.out());
        cli.setErr(mrmctl.err());
        return cli.execute(args.toArray(String[]::new));
    }
}
