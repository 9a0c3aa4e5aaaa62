package io.mrm.events.operator;

import io.mrm.events.MrmEvent;

/**
 * Events on the operator-requests topic: what a person (through mrmctl, REST or any Kafka client)
 * asks the decision engine to do. Each is answered on the decisions topic.
 */
public sealed interface OperatorRequest extends MrmEvent
        permits ManualFailoverRequest,
                FailbackRequest,
                ApproveRequest,
                RejectRequest,
                FreezeRequest,
                UnfreezeRequest,
                AcknowledgeHoldDownRequest,
                ResumeRequest,
                SkipStepRequest,
                AbortRequest,
                DrillRequest {

    /** Who asks: the operator's id. */
    String operator();

    /** Why, in the operator's words; required where the request changes what MRM does. */
    String reason();

    /** The operator's signature, or null for an unsigned request (which the engine rejects unless configured not to). */
    RequestSignature signature();

    /** This request carrying the given signature. */
    OperatorRequest withSignature(RequestSignature signature);
}
