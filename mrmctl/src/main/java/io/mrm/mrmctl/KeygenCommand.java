package io.mrm.mrmctl;

import io.mrm.events.Require;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.mrmctl.adapter.KeyFiles;
import io.mrm.mrmctl.domain.ExitCodes;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mrmctl keygen}: an operator's Ed25519 key pair, and the entry the engine's configuration needs. */
@Command(
        name = "keygen",
        description = "Make an Ed25519 key pair for an operator: FILE (private, mode 0600) "
                + "and FILE.pub, and print the entry the engine's configuration needs.")
final class KeygenCommand implements Callable<Integer> {

    @ParentCommand
    Mrmctl mrmctl;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "Where to write the private key; the public key goes to FILE.pub.")
    Path out;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            arity = "1..*",
            defaultValue = "operator",
            description = "Roles to print in the configuration entry: viewer, operator, approver "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> roles;

    @Override
    public Integer call() {
        String operator = mrmctl.operator;
        mrmctl.checked("--operator", () -> Require.operator("--operator", operator));
        for (String role : roles) {
            if (!List.of("viewer", "operator", "approver").contains(role.toLowerCase(Locale.ROOT))) {
                throw mrmctl.usageError("--role: '" + role + "' is not one of viewer, operator, approver");
            }
        }
        KeyPair keys = OperatorKeys.generate();
        Path pub = out.resolveSibling(out.getFileName() + ".pub");
        mrmctl.checked(null, () -> {
            KeyFiles.write(keys, out, pub);
            return null;
        });
        String line = OperatorKeys.oneLine(keys.getPublic());
        List<String> lower =
                roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).distinct().toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("operator", operator);
        json.put("privateKeyFile", out.toString());
        json.put("publicKeyFile", pub.toString());
        json.put("publicKey", line);
        json.put("fingerprint", OperatorKeys.fingerprint(keys.getPublic()));
        json.put("roles", lower);
        json.put("result", "ok");
        String text = "wrote " + out + " (private: keep it to yourself) and " + pub + "\n"
                + "fingerprint " + OperatorKeys.fingerprint(keys.getPublic()) + "\n"
                + "add to the decision engine's configuration (mrm.decision.operators):\n"
                + "  - id: " + operator + "\n"
                + "    roles: [" + String.join(", ", lower) + "]\n"
                + "    public-key: " + line;
        return mrmctl.finish(ExitCodes.OK, "keygen", json, text);
    }
}
