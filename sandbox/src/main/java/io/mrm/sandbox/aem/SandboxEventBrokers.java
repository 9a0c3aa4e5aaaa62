package io.mrm.sandbox.aem;

import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One SEMP v2 fake (semp-fake) per simulated region, its VPN active in the primary region and standby
 * in the other, the two replicated as one pair (so the bridge goes down when a region's broker stops),
 * and the aem-sync settings that point at them. The SEMP password is random per run and reaches
 * aem-sync the way it would in production: a file only its owner reads.
 */
public final class SandboxEventBrokers implements AutoCloseable {

    static final String SEMP_USER = "mrm-sandbox";

    private final String app;
    private final Map<String, SempV2Fake> fakes = new LinkedHashMap<>();
    private final Path passwordFile;

    /**
     * @param app    the application id
     * @param active the region whose VPN starts active
     * @param others the regions whose VPNs start standby
     */
    public SandboxEventBrokers(String app, String active, String... others) throws IOException {
        this.app = app;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        passwordFile = Files.createTempFile(
                "mrm-sandbox-semp-",
                ".secret",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password, StandardCharsets.US_ASCII);
        SempV2Fake activeSite = new SempV2Fake(SEMP_USER, password).vpn(vpn(active), "active");
        fakes.put(active, activeSite);
        for (String region : others) {
            SempV2Fake standbySite = new SempV2Fake(SEMP_USER, password, activeSite).vpn(vpn(region), "standby");
            fakes.put(region, standbySite);
            if (fakes.size() == 2) {
                activeSite.replicate(vpn(active), standbySite, vpn(region)); // a replication pair has two sites
            }
        }
    }

    private String vpn(String region) {
        return app + "-" + region;
    }

    /** Settings for aem-sync ({@code mrm.aem.*}). */
    public Map<String, Object> aemSyncProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.aem.poll-interval", "50ms");
        // one aem-sync instance: its in-memory epoch fence suffices, and the sandbox's timings stay as they were
        props.put("mrm.aem.broker-fencing", false);
        fakes.forEach((region, fake) -> {
            String key = "mrm.aem.applications." + app + ".regions." + region + ".";
            props.put(key + "semp-url", fake.baseUrl().toString());
            props.put(key + "vpn", vpn(region));
            props.put(key + "username", SEMP_USER);
            props.put(key + "password.file", passwordFile.toString());
        });
        return props;
    }

    /** The replication role of the region's VPN now. */
    public String role(String region) {
        return fakes.get(region).role(vpn(region));
    }

    /** The region's broker is gone (a whole-region outage): SEMP connections to it are refused. */
    public void stop(String region) {
        fakes.get(region).stop();
    }

    /** E.g. {@code region-a: VPN shop-region-a active at http://127.0.0.1:41234}. */
    public String describe() {
        StringBuilder text = new StringBuilder("event brokers (SEMP v2 fakes):");
        fakes.forEach((region, fake) -> text.append(' ')
                .append(region)
                .append(": VPN ")
                .append(vpn(region))
                .append(' ')
                .append(fake.role(vpn(region)))
                .append(" at ")
                .append(fake.baseUrl())
                .append(';'));
        return text.substring(0, text.length() - 1);
    }

    @Override
    public void close() throws IOException {
        fakes.values().forEach(SempV2Fake::close);
        Files.deleteIfExists(passwordFile);
    }
}
