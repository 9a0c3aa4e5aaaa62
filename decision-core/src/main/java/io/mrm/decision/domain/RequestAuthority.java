package io.mrm.decision.domain;

import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.RequestSignature;
import io.mrm.events.operator.RequestSigning;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may ask the engine what: operators' public keys and roles, and how old a signed request may
 * be. Pure and deterministic (the time is the step's {@code now}), so a replay refuses exactly the
 * requests the engine refused.
 *
 * @param signaturesRequired false only for development and for tests of other rules: unsigned
 *                           requests are then taken at their word (a present signature is still checked)
 * @param operators          the operators; ids are unique
 * @param maxAge             a request issued longer ago than this is refused as expired
 * @param maxClockSkew       a request issued further in the future than this is refused
 * @param clusterId          the Kafka cluster id of the environment the engine runs in (the engine reads it at
 *                           start-up and records it with its policy): a signed request must be signed for it
 *                           ({@code mrm-operator-request-v2}), so one signed for staging is refused in
 *                           production. Null only in an authority replayed from a journal of an engine that
 *                           predates it, which took requests signed for no cluster ({@code v1}), and in tests
 */
public record RequestAuthority(
        boolean signaturesRequired,
        List<Operator> operators,
        Duration maxAge,
        Duration maxClockSkew,
        String clusterId) {

    /** The limits the issue set: five minutes to live, thirty seconds of clock skew. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Nonces remembered per application; a flood beyond this is refused rather than forgotten. */
    static final int MAX_REMEMBERED_NONCES = 10_000;

    /**
     * Why a request was refused: the alert code, and the reason given to the operator.
     */
    public record Refusal(AlertCode code, String reason) {}

    /** An authority bound to no cluster yet; the engine binds it with {@link #inCluster}. */
    public RequestAuthority(
            boolean signaturesRequired, List<Operator> operators, Duration maxAge, Duration maxClockSkew) {
        this(signaturesRequired, operators, maxAge, maxClockSkew, null);
    }

    public RequestAuthority {
        operators = List.copyOf(operators);
        if (clusterId != null
                && !io.mrm.events.Require.CLUSTER_ID.matcher(clusterId).matches()) {
            throw new IllegalArgumentException(
                    "cluster id '" + clusterId + "' is not a Kafka cluster id " + "(1-64 characters of [A-Za-z0-9_-])");
        }
        checkOnePersonOneIdentity(operators);
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("max request age must be positive");
        }
        if (maxClockSkew == null || maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("max clock skew must not be negative");
        }
    }

    /**
     * The two-person rule counts operator ids, so an id must stand for one person: no id twice (not
     * even differing only in case, which a reader would take for the same person), and no public key
     * under two ids (one private key would then approve its own request).
     */
    private static void checkOnePersonOneIdentity(List<Operator> operators) {
        Map<String, Operator> byFoldedId = new HashMap<>();
        Map<String, Operator> byKey = new HashMap<>();
        for (Operator operator : operators) {
            Operator sameId = byFoldedId.put(operator.id().toLowerCase(java.util.Locale.ROOT), operator);
            if (sameId != null) {
                throw new IllegalArgumentException(
                        sameId.id().equals(operator.id())
                                ? "operator " + operator.id() + " is listed twice"
                                : "operators " + sameId.id() + " and " + operator.id() + " differ only in case: "
                                        + "one person, one id (the two-person rule counts ids)");
            }
            String key =
                    java.util.Base64.getEncoder().encodeToString(operator.key().getEncoded());
            Operator sameKey = byKey.put(key, operator);
            if (sameKey != null) {
                throw new IllegalArgumentException("operators " + sameKey.id() + " and " + operator.id()
                        + " have the same public key: one key would satisfy the two-person rule alone; "
                        + "give each person their own key (mrmctl keygen)");
            }
        }
    }

    /** Signed requests from these operators, with the default limits. */
    public static RequestAuthority signed(List<Operator> operators) {
        return new RequestAuthority(true, operators, DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW);
    }

    /** Unsigned requests are taken at their word: development and tests of rules other than these. */
    public static RequestAuthority unsignedAccepted() {
        return new RequestAuthority(false, List.of(), DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW);
    }

    /** This authority for the Kafka cluster {@code clusterId}: requests must be signed for it. */
    public RequestAuthority inCluster(String clusterId) {
        if (clusterId == null) {
            throw new IllegalArgumentException("a cluster id is required");
        }
        return new RequestAuthority(signaturesRequired, operators, maxAge, maxClockSkew, clusterId);
    }

    public Operator operator(String id) {
        for (Operator operator : operators) {
            if (operator.id().equals(id)) {
                return operator;
            }
        }
        return null;
    }

    /**
     * Checks one request at {@code now} against the nonces already seen: null when it may proceed
     * (its nonce must then be remembered), else the refusal. {@code keys} holds every operator's
     * decoded public key by id (decoding one per request would cost more than verifying).
     */
    public Refusal check(OperatorRequest request, Instant now, List<SeenNonce> seen, Map<String, PublicKey> keys) {
        RequestSignature signature = request.signature();
        Operator operator = operator(request.operator());
        if (signature == null) {
            if (!signaturesRequired) {
                return null;
            }
            return new Refusal(
                    AlertCode.REQUEST_UNSIGNED,
                    "unsigned request from '" + request.operator()
                            + "': requests must be signed (mrmctl keygen, then --key)");
        }
        if (operator == null) {
            return new Refusal(AlertCode.REQUEST_FORGED, "'" + request.operator() + "' is not a known operator");
        }
        PublicKey key = keys.get(operator.id());
        Refusal unverified = verify(request, operator, key);
        if (unverified != null) {
            return unverified;
        }
        Duration age = Duration.between(request.time(), now);
        if (age.compareTo(maxAge) >= 0) {
            return new Refusal(
                    AlertCode.REQUEST_EXPIRED,
                    "request issued at " + request.time() + " is " + age.toSeconds() + " s old; at most "
                            + maxAge.toSeconds() + " s are accepted");
        }
        if (age.negated().compareTo(maxClockSkew) > 0) {
            return new Refusal(
                    AlertCode.REQUEST_EXPIRED,
                    "request issued at " + request.time() + " is "
                            + age.negated().toSeconds() + " s in the future; check the clock of the signer");
        }
        for (SeenNonce s : seen) {
            if (s.operator().equals(operator.id()) && s.nonce().equals(signature.nonce())) {
                return new Refusal(
                        AlertCode.REQUEST_REPLAYED,
                        "nonce " + signature.nonce() + " of '" + operator.id()
                                + "' was already used: a replayed request");
            }
        }
        // per operator: one operator's flood (or a leaked key's) must not lock the others out
        long fromThisOperator =
                seen.stream().filter(s -> s.operator().equals(operator.id())).count();
        if (fromThisOperator >= MAX_REMEMBERED_NONCES) {
            return new Refusal(
                    AlertCode.REQUEST_FLOOD,
                    "more than " + MAX_REMEMBERED_NONCES + " signed requests from '" + operator.id() + "' within "
                            + maxAge.toSeconds() + " s; refusing theirs until older ones expire");
        }
        Set<OperatorRole> allowed = rolesFor(request);
        if (operator.roles().stream().noneMatch(allowed::contains)) {
            return new Refusal(
                    AlertCode.REQUEST_NOT_PERMITTED,
                    "'" + operator.id() + "' has roles " + sorted(operator.roles()) + "; " + kind(request)
                            + " needs one of " + sorted(allowed));
        }
        return null;
    }

    /**
     * Null when the signature is one for this engine's cluster and verifies; else why not. A request signed
     * for another cluster, or in the first form (bound to none), is refused as such only when its signature
     * verifies as written: otherwise it is forged, whatever it claims.
     */
    private Refusal verify(OperatorRequest request, Operator operator, PublicKey key) {
        if (clusterId == null) {
            // the rules of the engines that recorded no cluster id: replays of their journals refuse as they did
            return RequestSigning.verifyFirstForm(request, key) ? null : forged(operator);
        }
        if (RequestSigning.verify(request, key, clusterId)) {
            return null;
        }
        if (!RequestSigning.verifiesAsWritten(request, key)) {
            return forged(operator);
        }
        String signedFor = request.signature().clusterId();
        if (signedFor == null) {
            return new Refusal(
                    AlertCode.REQUEST_WRONG_ENVIRONMENT,
                    "signed in the first form "
                            + "(mrm-operator-request-v1), which names no environment; this engine takes only requests "
                            + "signed for its Kafka cluster " + clusterId + ": sign it again with a current mrmctl");
        }
        return new Refusal(
                AlertCode.REQUEST_WRONG_ENVIRONMENT,
                "signed for Kafka cluster " + signedFor
                        + ", but this engine runs on cluster " + clusterId
                        + ": a request meant for another environment "
                        + "is not accepted here");
    }

    private static Refusal forged(Operator operator) {
        return new Refusal(
                AlertCode.REQUEST_FORGED,
                "the signature does not verify with the public key of '" + operator.id()
                        + "' (forged, altered in transit, or signed with another key)");
    }

    /**
     * How long a nonce must be remembered: until its request is too old to be accepted anyway, plus the
     * allowed clock skew (a margin against the engine's own clock stepping back).
     */
    public Instant forgetAfter(OperatorRequest request) {
        return request.time().plus(maxAge).plus(maxClockSkew);
    }

    static Set<OperatorRole> rolesFor(OperatorRequest request) {
        if (request instanceof ApproveRequest) {
            return Set.of(OperatorRole.APPROVER);
        }
        if (request instanceof RejectRequest || request instanceof AbortRequest) {
            // stopping a switch never makes things switch: either role may
            return Set.of(OperatorRole.OPERATOR, OperatorRole.APPROVER);
        }
        return Set.of(OperatorRole.OPERATOR);
    }

    private static String kind(OperatorRequest request) {
        String name = request.getClass().getSimpleName();
        return name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name;
    }

    private static List<String> sorted(Set<OperatorRole> roles) {
        return roles.stream()
                .map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                .sorted()
                .toList();
    }
}
