package io.mrm.dns.adapter;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real BIND 9 for one test class: writes a {@code named.conf}, a TSIG key and a zone file into a
 * temporary folder, starts {@code named -g} (foreground) on a free loopback port with an update
 * policy that lets the key change any name in the zone, waits until it answers, and stops it after
 * the class. When {@code named} is not on the PATH every test of the class is skipped with a message
 * saying how to get it, or fails with that message when {@code MRM_REQUIRE_TOOLS=1} ({@link ExternalTools};
 * {@code .ci/run} installs BIND and sets it).
 *
 * <p>{@link #secondaryOf} makes a second server, a BIND secondary of the first on a port of its own (BIND
 * listens only on addresses configured on an interface, so not on 127.0.0.2): it copies the zone by
 * transfer when it starts and then only when notified ({@link #notifySecondary}), because the primary
 * sends no NOTIFY and the zone's refresh is an hour, so a test decides when it catches up.
 */
public final class Bind9Extension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    public static final String KEY_NAME = "mrm-actuator";
    /** How long a local BIND may take to answer on a saturated machine: a bound, not an expectation. */
    static final Duration ANSWER_BOUND = Duration.ofSeconds(10);

    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final String zone;
    private final List<String> records;
    private final String secret;
    private final Bind9Extension primary;
    /** More zones of the primary, each with its own update-policy clause. */
    private final List<ExtraZone> extraZones = new ArrayList<>();

    private Path dir;
    private Process named;
    private int port;

    /**
     * @param zone    the zone's name, e.g. {@code mrm.test}
     * @param records zone-file lines after the SOA and NS, names relative to the zone
     */
    public Bind9Extension(String zone, String... records) {
        this(zone, List.of(records), newSecret(), null);
    }

    private Bind9Extension(String zone, List<String> records, String secret, Bind9Extension primary) {
        this.zone = zone;
        this.records = records;
        this.secret = secret;
        this.primary = primary;
    }

    private record ExtraZone(String zone, String updatePolicy, List<String> records) {}

    /**
     * One more zone on this (primary) server, with its own update policy, e.g. {@code grant mrm-actuator
     * name other.example. TXT;} for a zone where the key may change nothing a switch writes.
     */
    public Bind9Extension withZone(String zone, String updatePolicy, String... records) {
        extraZones.add(new ExtraZone(zone, updatePolicy, List.of(records)));
        return this;
    }

    /** A secondary of {@code primary} on 127.0.0.1 and a port of its own; register it after the primary. */
    public static Bind9Extension secondaryOf(Bind9Extension primary) {
        return new Bind9Extension(primary.zone, List.of(), primary.secret, primary);
    }

    private static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** {@code named} on the PATH (or in /usr/sbin, which a non-root PATH may lack). */
    public static Optional<Path> named() {
        return executable("named", "/usr/sbin", "/usr/local/sbin");
    }

    /** {@code dig}, when installed. */
    public static Optional<Path> dig() {
        return executable("dig");
    }

    private static Optional<Path> executable(String name, String... extraDirs) {
        List<String> dirs = new ArrayList<>(
                Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(extraDirs));
        return dirs.stream()
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Each test, not just the class, is reported skipped with the reason, so the reason shows in reports. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        // when tools are required the class runs, and beforeAll fails it with the reason
        return context.getTestMethod().isPresent() && named().isEmpty() && !ExternalTools.required()
                ? ConditionEvaluationResult.disabled(ExternalTools.NAMED.missingReason())
                : ConditionEvaluationResult.enabled("BIND is installed, tools are required, or this is the class");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> binary = named();
        if (binary.isEmpty() && !ExternalTools.required()) {
            System.err.println("WARNING: " + ExternalTools.NAMED.missingReason());
            return;
        }
        ExternalTools.requireOrSkip(ExternalTools.NAMED, binary, true);
        dir = Files.createTempDirectory("mrm-bind-");
        writeConfiguration();
        // a port found free can be taken before named binds it: try another one then
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Files.writeString(dir.resolve("named.conf"), namedConf(), StandardCharsets.UTF_8);
            // -g: foreground, log to stderr; -n 1: one worker, the machine is shared; as root named
            // keeps running as root here, which the folder (owned by this user) needs
            named = new ProcessBuilder(
                            binary.get().toString(),
                            "-g",
                            "-n",
                            "1",
                            "-c",
                            dir.resolve("named.conf").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("named.log").toFile())
                    .start();
            Process started = named;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "stop-named"));
            try {
                await("named answering on 127.0.0.1:" + port)
                        .atMost(START_BOUND)
                        .pollInterval(Duration.ofMillis(50))
                        .failFast(() -> {
                            if (!started.isAlive()) {
                                throw new AssertionError("named exited; its log:\n" + logTail());
                            }
                        })
                        .ignoreExceptions()
                        .until(this::answersSoa);
                return;
            } catch (ConditionTimeoutException e) {
                stop();
                if (attempt == 3 || !log().contains("address in use")) {
                    throw new IllegalStateException(
                            "named did not answer within " + START_BOUND + "; its log:\n" + logTail(), e);
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void stop() throws InterruptedException {
        if (named != null && named.isAlive()) {
            named.destroy();
            if (!named.waitFor(10, TimeUnit.SECONDS)) {
                named.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Sends the secondary a NOTIFY for the zone (RFC 1996), as a primary would after a change: it then
     * asks the primary for the new serial and transfers the zone.
     */
    public void notifySecondary() throws IOException {
        Message notify = new Message();
        notify.getHeader().setOpcode(org.xbill.DNS.Opcode.NOTIFY);
        notify.getHeader().setFlag(Flags.AA);
        notify.addRecord(
                Record.newRecord(Name.fromString(zone + "."), Type.SOA, DClass.IN), org.xbill.DNS.Section.QUESTION);
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTimeout(ANSWER_BOUND);
        resolver.send(notify);
    }

    public int port() {
        return port;
    }

    /** The base64 secret of {@link #KEY_NAME}: a random one per run, for tests only. */
    public String secret() {
        return secret;
    }

    /** Everything named has logged so far: each applied update is one line per record added or deleted. */
    public String log() {
        try {
            return Files.readString(dir.resolve("named.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private void writeConfiguration() throws IOException {
        if (primary != null) {
            Files.writeString(dir.resolve("key.conf"), "", StandardCharsets.UTF_8);
            return;
        }
        Files.writeString(
                dir.resolve("key.conf"),
                "key \"" + KEY_NAME + "\" {\n  algorithm hmac-sha256;\n  secret \"" + secret + "\";\n};\n",
                StandardCharsets.UTF_8);
        writeZone(zone, records);
        for (ExtraZone extra : extraZones) {
            writeZone(extra.zone(), extra.records());
        }
    }

    private void writeZone(String name, List<String> lines) throws IOException {
        StringBuilder zoneFile = new StringBuilder()
                .append("$ORIGIN ")
                .append(name)
                .append(".\n")
                .append("$TTL 300\n")
                .append("@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n")
                .append("@ IN NS ns1\n")
                .append("ns1 IN A 127.0.0.1\n");
        lines.forEach(line -> zoneFile.append(line).append('\n'));
        Files.writeString(dir.resolve(name + ".zone"), zoneFile, StandardCharsets.UTF_8);
    }

    private String namedConf() {
        if (primary != null) {
            return options("allow-notify { 127.0.0.0/8; };") + """
                    zone "%2$s" {
                      type secondary;
                      primaries { 127.0.0.1 port %3$d; };
                      file "%1$s/%2$s.zone";
                    };
                    """.formatted(dir, zone, primary.port());
        }
        StringBuilder conf = new StringBuilder("include \"" + dir + "/key.conf\";\n")
                .append(options("allow-transfer { 127.0.0.0/8; };"))
                .append(primaryZone(zone, "grant " + KEY_NAME + " zonesub ANY;"));
        extraZones.forEach(extra -> conf.append(primaryZone(extra.zone(), extra.updatePolicy())));
        return conf.toString();
    }

    private String primaryZone(String name, String updatePolicy) {
        return """
                zone "%2$s" {
                  type primary;
                  file "%1$s/%2$s.zone";
                  update-policy { %3$s };
                };
                """.formatted(dir, name, updatePolicy);
    }

    /** What primary and secondary share: loopback only, no recursion, no notifies of their own. */
    private String options(String extra) {
        return """
                controls { };
                options {
                  directory "%1$s";
                  pid-file none;
                  session-keyfile none;
                  listen-on port %2$d { 127.0.0.1; };
                  listen-on-v6 { none; };
                  recursion no;
                  dnssec-validation no;
                  notify no;
                  %3$s
                };
                """.formatted(dir, port, extra);
    }

    private boolean answersSoa() throws IOException {
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTimeout(Duration.ofSeconds(2));
        Message answer =
                resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone + "."), Type.SOA, DClass.IN)));
        return answer.getRcode() == Rcode.NOERROR && answer.getHeader().getFlag(Flags.AA);
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket udp = new DatagramSocket(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // the UDP port of that number is in use: another one
            }
        }
        throw new IOException("no port free for both TCP and UDP on loopback");
    }
}
