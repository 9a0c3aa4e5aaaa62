package io.mrm.health.domain;

import io.mrm.events.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which region a custom domain points at, judged from the records a resolver answered with.
 *
 * <p>Each region has the answers that mean "routed to me": a CNAME target (e.g. the region's own
 * host name) or an A/AAAA address. The domain is UP when its answers name exactly one region — the
 * detail then starts with {@code answers from <region>}, which is how a DNS switch is verified —,
 * DEGRADED when they name several, and DOWN when there is no answer or none that any region claims.
 * Names compare without case and without the trailing dot.
 */
public final class DnsAnswerRule {

    private final Map<String, String> regionByAnswer = new LinkedHashMap<>();

    /** @param answersByRegion region → the CNAME targets and addresses that mean "routed to this region" */
    public DnsAnswerRule(Map<String, List<String>> answersByRegion) {
        Require.present("answersByRegion", answersByRegion);
        if (answersByRegion.isEmpty()) {
            throw new IllegalArgumentException("answersByRegion must name at least one region");
        }
        answersByRegion.forEach((region, answers) -> {
            Require.name("region", region);
            if (answers == null || answers.isEmpty()) {
                throw new IllegalArgumentException("region " + region + " needs at least one expected answer");
            }
            for (String answer : answers) {
                String previous = regionByAnswer.putIfAbsent(normalize(answer), region);
                if (previous != null && !previous.equals(region)) {
                    throw new IllegalArgumentException(
                            "answer " + answer + " is claimed by both " + previous + " and " + region);
                }
            }
        });
    }

    /** Lower case, no trailing dot, no surrounding blanks. */
    public static String normalize(String answer) {
        String a = Require.present("answer", answer).trim().toLowerCase(Locale.ROOT);
        return a.endsWith(".") ? a.substring(0, a.length() - 1) : a;
    }

    /**
     * @param domain  the name that was resolved
     * @param answers what the resolver answered, e.g. {@code CNAME orders.eu10.example.com.},
     *                {@code A 10.1.2.3}: record type, a blank, then the data
     * @param latency how long the query took
     */
    public ProbeResult judge(String domain, List<String> answers, Duration latency) {
        if (answers.isEmpty()) {
            return ProbeResult.down(latency, domain + " has no CNAME, A or AAAA answer");
        }
        Set<String> regions = new LinkedHashSet<>();
        List<String> matched = new ArrayList<>();
        for (String answer : answers) {
            int blank = answer.indexOf(' ');
            String data = blank < 0 ? answer : answer.substring(blank + 1);
            String region = regionByAnswer.get(normalize(data));
            if (region != null) {
                regions.add(region);
                matched.add(answer);
            }
        }
        String seen = String.join(", ", answers);
        if (regions.isEmpty()) {
            return ProbeResult.down(latency, domain + " answers " + seen + ", which no configured region claims");
        }
        if (regions.size() > 1) {
            return ProbeResult.degraded(
                    latency,
                    domain + " answers from several regions " + String.join(" and ", regions) + " (" + seen + ")");
        }
        return ProbeResult.up(
                latency, "answers from " + regions.iterator().next() + " (" + String.join(", ", matched) + ")");
    }
}
