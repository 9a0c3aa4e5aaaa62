package io.mrm.aem.domain;

import java.util.List;
import java.util.Optional;

/** The applications aem-sync serves and, per region, the inspection of its Message VPN, from configuration. */
public interface VpnInspections {

    List<String> applications();

    /** The application's regions, in configuration order. */
    List<String> regions(String applicationId);

    Optional<VpnInspection> inspection(String applicationId, String region);
}
