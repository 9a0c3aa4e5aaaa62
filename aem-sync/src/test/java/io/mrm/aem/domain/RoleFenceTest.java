package io.mrm.aem.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.command.ReplicationRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fence protocol on an in-memory VPN, with a test clock that the sleeper moves. */
class RoleFenceTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final ActuatorLimits LIMITS = new ActuatorLimits(
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ZERO,
            true,
            Duration.ofSeconds(60),
            Duration.ofSeconds(10));

    final MovableClock clock = new MovableClock(T0);
    final MemoryVpn vpn = new MemoryVpn();
    final List<Runnable> onSleep = new ArrayList<>();
    final Sleeper sleeper = duration -> {
        clock.now = clock.now.plus(duration);
        onSleep.forEach(Runnable::run);
    };
    final RoleFence fence = new RoleFence("me", LIMITS, clock, sleeper);

    @Test
    void aFirstWriterIsAdmittedAtOnceAndLeavesOnlyItsFence() throws Exception {
        RoleFence.Admission admission = fence.enter(vpn, "shop", 3, T0.plusSeconds(30));

        assertThat(admission).isInstanceOfSatisfying(RoleFence.Admitted.class, admitted -> {
            assertThat(admitted.writeBy()).isEqualTo(T0.plusSeconds(50)); // lease 60 s less one request timeout
            assertThat(vpn.marks).contains(FenceMark.fence(3), admitted.intent());
            try {
                fence.leave(vpn, "shop", admitted);
            } catch (ActuatorFailure e) {
                throw new AssertionError(e);
            }
        });
        assertThat(vpn.marks).containsExactly(FenceMark.fence(3));
    }

    @Test
    void aHigherFenceRefusesAndTakesTheIntentBack() throws Exception {
        vpn.marks.add(FenceMark.fence(5));

        RoleFence.Admission admission = fence.enter(vpn, "shop", 4, T0.plusSeconds(30));

        assertThat(admission).isEqualTo(new RoleFence.Refused(5));
        assertThat(vpn.marks).containsExactly(FenceMark.fence(5));
    }

    @Test
    void anOlderLiveIntentIsWaitedForUntilItsHolderDeletesIt() throws Exception {
        FenceMark older = FenceMark.intent(1, "other", T0);
        vpn.marks.add(older);
        onSleep.add(() -> {
            if (clock.now.isAfter(T0.plusSeconds(3))) {
                vpn.marks.remove(older);
            }
        });

        RoleFence.Admission admission = fence.enter(vpn, "shop", 2, T0.plusSeconds(30));

        assertThat(admission).isInstanceOf(RoleFence.Admitted.class);
        assertThat(clock.now).isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void aLeftoverIntentOfThisInstanceIsDeletedNotWaitedForButAnotherInstancesIsWaitedFor() throws Exception {
        // config-synced from the mate site while it was active; its deletion was not
        FenceMark leftover = FenceMark.intent(1, "me", T0.minusSeconds(1));
        FenceMark others = FenceMark.intent(1, "other", T0.minusSeconds(1));
        vpn.marks.add(leftover);

        RoleFence.Admission admission = fence.enter(vpn, "shop", 2, T0.plusSeconds(30));

        assertThat(admission).isInstanceOf(RoleFence.Admitted.class);
        assertThat(clock.now).as("admitted at once").isEqualTo(T0);
        assertThat(vpn.marks).doesNotContain(leftover);

        vpn.marks.add(others);
        assertThat(fence.enter(vpn, "shop", 3, T0.plusSeconds(5))).isInstanceOf(RoleFence.StillWaiting.class);
        assertThat(vpn.marks).contains(others);
    }

    @Test
    void anOlderIntentPastItsLeaseIsRemovedAsAbandoned() throws Exception {
        vpn.marks.add(FenceMark.intent(1, "crashed", T0.minusSeconds(61)));

        RoleFence.Admission admission = fence.enter(vpn, "shop", 2, T0.plusSeconds(30));

        assertThat(admission)
                .isInstanceOfSatisfying(
                        RoleFence.Admitted.class,
                        admitted -> assertThat(admitted.abandonedIntents())
                                .singleElement()
                                .asString()
                                .contains("crashed"));
        assertThat(vpn.marks)
                .noneMatch(m -> m.instance() != null && m.instance().equals("crashed"));
    }

    @Test
    void waitingEndsBeforeTheBoundLeavingOnlyTheFenceOfItsEpoch() throws Exception {
        vpn.marks.add(FenceMark.intent(1, "slow", T0));

        RoleFence.Admission admission = fence.enter(vpn, "shop", 2, T0.plusSeconds(5));

        assertThat(admission)
                .isInstanceOfSatisfying(
                        RoleFence.StillWaiting.class,
                        waiting -> assertThat(waiting.holders()).contains("epoch 1 held by slow"));
        assertThat(clock.now).isBefore(T0.plusSeconds(5));
        // the fence of epoch 2 stays: the decision exists, and older commands must be refused from now on
        assertThat(vpn.marks).containsExactlyInAnyOrder(FenceMark.intent(1, "slow", T0), FenceMark.fence(2));
    }

    @Test
    void intentsOfTheSameOrANewerEpochDoNotBlock() throws Exception {
        vpn.marks.add(FenceMark.intent(2, "sibling", T0));
        vpn.marks.add(FenceMark.intent(3, "newer-not-yet-fenced", T0));

        assertThat(fence.enter(vpn, "shop", 2, T0.plusSeconds(30))).isInstanceOf(RoleFence.Admitted.class);
    }

    static final class MovableClock extends Clock {
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final class MemoryVpn implements ReplicatedVpn {
        final List<FenceMark> marks = new ArrayList<>();

        @Override
        public String describe() {
            return "VPN memory";
        }

        @Override
        public VpnState read() {
            return new VpnState("memory", "up", true, ReplicationRole.STANDBY, true, true, 0L, 0L);
        }

        @Override
        public void setRole(ReplicationRole role) {}

        @Override
        public List<FenceMark> marks(String applicationId) {
            return List.copyOf(marks);
        }

        @Override
        public void create(String applicationId, FenceMark mark) {
            if (!marks.contains(mark)) {
                marks.add(mark);
            }
        }

        @Override
        public void delete(String applicationId, FenceMark mark) {
            marks.remove(mark);
        }
    }
}
