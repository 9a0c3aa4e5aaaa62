package io.mrm.dns.domain;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether clients are answered with the expected region: every source that answers must answer with
 * it, and at least one must answer. A source that cannot be reached is reported but does not hold the
 * check back: resolvers that get no answer from a server ask another, so it sends no one to the old
 * region (and a server down with the region being left must not block its failover).
 *
 * @param longestTtl the longest TTL the answers carry, null when none says
 */
record AnswerCheck(
        boolean allExpected, String code, String summary, Map<String, String> observed, Duration longestTtl) {

    static final String NOT_YET_VISIBLE = "NOT_YET_VISIBLE";
    static final String NO_ANSWER = "NO_ANSWER";

    static AnswerCheck of(String expected, List<DnsAnswer> answers) {
        Map<String, String> observed = new TreeMap<>();
        answers.forEach(a -> observed.put("answer." + a.source(), a.describe()));
        List<DnsAnswer> answered = answers.stream().filter(DnsAnswer::answered).toList();
        List<DnsAnswer> other =
                answered.stream().filter(a -> !expected.equals(a.region())).toList();
        Duration longest = answered.stream()
                .map(DnsAnswer::ttl)
                .filter(t -> t != null)
                .max(Comparator.naturalOrder())
                .orElse(null);
        if (answered.isEmpty()) {
            return new AnswerCheck(false, NO_ANSWER, "no source answered: " + describe(answers), observed, longest);
        }
        if (!other.isEmpty()) {
            return new AnswerCheck(
                    false,
                    NOT_YET_VISIBLE,
                    "still answered with something else than " + expected + " by " + describe(other),
                    observed,
                    longest);
        }
        String unreachable = answered.size() == answers.size()
                ? ""
                : "; no answer from "
                        + describe(answers.stream().filter(a -> !a.answered()).toList());
        return new AnswerCheck(
                true,
                null,
                "answers with " + expected + " from "
                        + (answered.size() == 1 ? answered.get(0).source() : "all " + answered.size() + " sources")
                        + unreachable,
                observed,
                longest);
    }

    private static String describe(List<DnsAnswer> answers) {
        StringBuilder sb = new StringBuilder();
        for (DnsAnswer a : answers) {
            sb.append(sb.isEmpty() ? "" : ", ").append(a.source()).append(": ").append(a.describe());
        }
        return sb.toString();
    }
}
