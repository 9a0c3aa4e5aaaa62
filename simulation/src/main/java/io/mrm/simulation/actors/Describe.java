package io.mrm.simulation.actors;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.TopologyState;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.VirtualTime;
import java.util.List;
import java.util.stream.Collectors;

/** One-line descriptions of events for the trace (only built when a run is traced). */
public final class Describe {

    private Describe() {}

    public static String event(MrmEvent e) {
        if (e instanceof HealthObservation o) {
            return "obs " + o.vantage() + " " + o.region() + "/" + o.component() + " " + o.status() + " run="
                    + o.monitorRun() + " seq=" + o.sequence() + " stamped " + Trace.clock(VirtualTime.ms(o.time()))
                    + " id=" + o.id();
        }
        if (e instanceof CommandAck a) {
            return ack(a);
        }
        if (e instanceof StepCommand c) {
            return command(c);
        }
        if (e instanceof OperatorRequest r) {
            return request(r);
        }
        if (e instanceof FailoverDecision d) {
            return "DECISION " + d.kind() + " " + d.mode() + " " + d.status() + " " + d.fromRegion() + "->"
                    + d.toRegion() + " epoch " + d.epoch() + " by " + d.requestedBy() + " id=" + id(d.id())
                    + (d.overriddenRules().isEmpty() ? "" : " overrides " + d.overriddenRules()) + " plan "
                    + d.plan().stream()
                            .map(s -> s.index() + ":" + s.action() + "@" + s.region()
                                    + (Boolean.TRUE.equals(s.bestEffort()) ? "(best-effort)" : "")
                                    + (Boolean.TRUE.equals(s.parallel()) ? "(parallel)" : ""))
                            .collect(Collectors.joining(" "))
                    + " — " + d.reason();
        }
        if (e instanceof Alert a) {
            return "ALERT " + a.code() + (a.rule() == null ? "" : " [" + a.rule() + "]") + ": " + a.message();
        }
        if (e instanceof RequestOutcome o) {
            return "OUTCOME " + (o.accepted() ? "accepted" : "refused") + " " + shortType(o.requestType()) + " "
                    + o.requestId() + " by " + o.operator() + ": " + o.reason();
        }
        if (e instanceof TopologyState t) {
            return "topology " + t.activeRegion() + " " + t.phase() + " epoch " + t.epoch()
                    + (t.frozen() ? " FROZEN" : "")
                    + (t.holdDownUntil() == null
                            ? ""
                            : " hold-down to " + Trace.clock(VirtualTime.ms(t.holdDownUntil())))
                    + (t.planSteps().isEmpty() ? "" : " steps " + steps(t.planSteps()))
                    + (t.placement() == null ? "" : " placement " + t.placement())
                    + (t.fenceDuties().isEmpty() ? "" : " duties " + t.fenceDuties());
        }
        return e.getClass().getSimpleName() + " " + e.id();
    }

    /**
     * What of an output the run's hash covers besides its id (ids alone are numbered, not derived from the
     * content): the fields that say what the engine decided. Deterministic across JVMs, and cheap.
     */
    public static long fingerprint(MrmEvent e) {
        if (e instanceof StepCommand c) {
            return c.action().ordinal() * 1_000_003L
                    + c.step().epoch() * 7919
                    + c.step().stepIndex() * 31
                    + c.step().attempt()
                    + c.step().deadline().toEpochMilli();
        }
        if (e instanceof FailoverDecision d) {
            return d.epoch() * 31
                    + d.kind().ordinal() * 7
                    + d.status().ordinal()
                    + d.toRegion().hashCode();
        }
        if (e instanceof Alert a) {
            return a.code().hashCode();
        }
        if (e instanceof RequestOutcome o) {
            return o.accepted() ? 1 : 2;
        }
        if (e instanceof TopologyState t) {
            return t.epoch() * 31 + t.phase().ordinal() * 7 + t.activeRegion().hashCode() + (t.frozen() ? 1 : 0);
        }
        return 0;
    }

    public static String command(StepCommand c) {
        return c.action() + "@" + String.join(">", regions(c)) + " epoch "
                + c.step().epoch() + " step "
                + c.step().stepIndex() + " attempt " + c.step().attempt() + " of "
                + id(c.step().decisionId())
                + " deadline " + Trace.clock(VirtualTime.ms(c.step().deadline()));
    }

    public static String ack(CommandAck a) {
        return "ack " + a.action() + " " + a.outcome() + (a.errorCode() == null ? "" : " " + a.errorCode())
                + " epoch " + a.step().epoch() + " step " + a.step().stepIndex() + " attempt "
                + a.step().attempt()
                + " of " + id(a.step().decisionId()) + " fence " + a.fenceEpoch();
    }

    static String request(OperatorRequest r) {
        String what = r.getClass().getSimpleName().replace("Request", "").toLowerCase(java.util.Locale.ROOT);
        String extra = "";
        if (r instanceof ManualFailoverRequest m) {
            extra = " to " + m.targetRegion() + " " + m.mode()
                    + (m.overrideRules().isEmpty() ? "" : " overrides " + m.overrideRules());
        } else if (r instanceof FailbackRequest f) {
            extra = " " + f.mode() + (f.overrideRules().isEmpty() ? "" : " overrides " + f.overrideRules());
        } else if (r instanceof ApproveRequest a) {
            extra = " " + id(a.decisionId());
        } else if (r instanceof RejectRequest a) {
            extra = " " + id(a.decisionId());
        } else if (r instanceof ResumeRequest a) {
            extra = " " + id(a.decisionId());
        } else if (r instanceof AbortRequest a) {
            extra = " " + id(a.decisionId());
        } else if (r instanceof SkipStepRequest s) {
            extra = " " + id(s.decisionId()) + " step " + s.stepIndex();
        }
        return "REQUEST " + what + extra + " by " + r.operator() + (r.signature() == null ? " (unsigned)" : " (signed)")
                + " id=" + r.id();
    }

    /** The regions a command touches (both, for drain and re-protect). */
    public static List<String> regions(StepCommand c) {
        if (c instanceof DnsRouteCommand x) {
            return List.of(x.targetRegion());
        }
        if (c instanceof DnsVerifyCommand x) {
            return List.of(x.expectedRegion());
        }
        if (c instanceof DataDrainCommand x) {
            return List.of(x.fromRegion(), x.toRegion());
        }
        if (c instanceof DataPromoteCommand x) {
            return List.of(x.region());
        }
        if (c instanceof DataReprotectCommand x) {
            return List.of(x.fromRegion(), x.toRegion());
        }
        if (c instanceof DataFenceCommand x) {
            return List.of(x.region());
        }
        if (c instanceof EventsSetRoleCommand x) {
            return List.of(x.region());
        }
        if (c instanceof EventsDrainCommand x) {
            return List.of(x.fromRegion());
        }
        if (c instanceof EventsVerifyCommand x) {
            return List.of(x.region());
        }
        return List.of();
    }

    private static String steps(List<StepProgress> steps) {
        return steps.stream().map(s -> s.index() + ":" + s.status()).collect(Collectors.joining(","));
    }

    public static String id(String id) {
        return id == null ? "-" : id.length() <= 8 ? id : id.substring(0, 8);
    }

    private static String shortType(String ceType) {
        return ceType.replace("io.mrm.operator.", "").replace(".v1", "");
    }
}
