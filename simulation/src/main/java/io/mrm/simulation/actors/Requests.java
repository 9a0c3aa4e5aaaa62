package io.mrm.simulation.actors;

import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.simulation.world.VirtualTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds operator requests, numbered per run, and in signed runs signs them — mostly properly, now and
 * then unsigned, with someone else's key, or by replaying an earlier signed request (same nonce): each
 * of those must be refused, and answered.
 */
final class Requests {

    private final String applicationId;
    private final VirtualTime time;
    private final SplittableRandom rng;
    private final boolean signed;
    private final double badSignature;
    private final List<OperatorRequest> signedSoFar = new ArrayList<>();
    private int count;

    Requests(String applicationId, VirtualTime time, SplittableRandom rng, boolean signed, double badSignature) {
        this.applicationId = applicationId;
        this.time = time;
        this.rng = rng;
        this.signed = signed;
        this.badSignature = badSignature;
    }

    OperatorRequest freeze(String who) {
        return finish(new FreezeRequest(id(), applicationId, time.instant(), 1, who, "change window"));
    }

    OperatorRequest unfreeze(String who) {
        return finish(new UnfreezeRequest(id(), applicationId, time.instant(), 1, who, "change window over"));
    }

    OperatorRequest acknowledgeHoldDown(String who) {
        return finish(new AcknowledgeHoldDownRequest(id(), applicationId, time.instant(), 1, who, "checked"));
    }

    OperatorRequest failover(String who, String target, FailoverMode mode, List<SafetyRule> overrides) {
        return finish(new ManualFailoverRequest(
                id(), applicationId, time.instant(), 1, who, target, mode, overrides, "operator switch"));
    }

    OperatorRequest failback(String who, FailoverMode mode, List<SafetyRule> overrides) {
        return finish(new FailbackRequest(
                id(), applicationId, time.instant(), 1, who, mode, overrides, "back to the primary"));
    }

    OperatorRequest approve(String who, String decisionId) {
        return finish(new ApproveRequest(id(), applicationId, time.instant(), 1, who, decisionId, "looks right"));
    }

    OperatorRequest reject(String who, String decisionId) {
        return finish(new RejectRequest(id(), applicationId, time.instant(), 1, who, decisionId, "false alarm"));
    }

    OperatorRequest resume(String who, String decisionId) {
        return finish(new ResumeRequest(id(), applicationId, time.instant(), 1, who, decisionId, "fixed, go on"));
    }

    OperatorRequest skip(String who, String decisionId, int stepIndex) {
        return finish(new SkipStepRequest(
                id(), applicationId, time.instant(), 1, who, decisionId, stepIndex, "done by hand"));
    }

    OperatorRequest abort(String who, String decisionId) {
        return finish(new AbortRequest(id(), applicationId, time.instant(), 1, who, decisionId, "stop"));
    }

    private String id() {
        return "req-" + ++count;
    }

    private OperatorRequest finish(OperatorRequest request) {
        if (!signed) {
            return request;
        }
        double r = rng.nextDouble();
        if (r < badSignature / 3) {
            return request; // unsigned where signatures are required
        }
        if (r < 2 * badSignature / 3) {
            return Signers.sign(request, Signers.MALLORY, nonce()); // signed with a key that is not the operator's
        }
        if (r < badSignature && !signedSoFar.isEmpty()) {
            return signedSoFar.get(rng.nextInt(signedSoFar.size())); // a replay: same id, same nonce
        }
        OperatorRequest signedRequest = Signers.sign(request, request.operator(), nonce());
        signedSoFar.add(signedRequest);
        return signedRequest;
    }

    private String nonce() {
        return String.format("nonce-%012d-%06d", time.now(), count);
    }
}
