package engawa.http.guard;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.http.guard.AdmissionControl.Admission;
import engawa.http.guard.AdmissionControl.Kind;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admission rules with a clock the test moves: ticket order, reserved slots, expiry. */
class AdmissionControlTest {
    private static final long T0 = -5_000_000_000L;

    private static long seconds(double s) {
        return T0 + (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void underTheLimitRequestsEnterWithoutALine() {
        AdmissionControl c = new AdmissionControl(2, true);
        assertThat(c.tryEnter()).isTrue();
        assertThat(c.tryEnter()).isTrue();
        assertThat(c.tryEnter()).isFalse();
        c.release();
        assertThat(c.tryEnter()).isTrue();
        assertThat(c.inFlight()).isEqualTo(2);
    }

    @Test
    void freedSlotsGoToTheOldestTicketsOnly() {
        AdmissionControl c = new AdmissionControl(2, true);
        c.tryEnter();
        c.tryEnter();
        Admission t1 = c.arrive(-1, true, seconds(0));
        Admission t2 = c.arrive(-1, true, seconds(0));
        Admission t3 = c.arrive(-1, true, seconds(0));
        assertThat(t1.position()).isEqualTo(1);
        assertThat(t2.position()).isEqualTo(2);
        assertThat(t3.position()).isEqualTo(3);
        assertThat(c.arrive(-1, false, seconds(0)).kind()).isEqualTo(Kind.BUSY);

        c.release();
        assertThat(c.tryEnter()).as("people wait: no fast path").isFalse();
        assertThat(c.arrive(t3.ticket(), true, seconds(1)).position()).isEqualTo(3);
        assertThat(c.arrive(t2.ticket(), true, seconds(1)).position()).isEqualTo(2);
        assertThat(c.arrive(-1, true, seconds(1)).position()).as("a newcomer").isEqualTo(4);
        assertThat(c.arrive(-1, false, seconds(1)).kind()).isEqualTo(Kind.BUSY);
        assertThat(c.arrive(t1.ticket(), true, seconds(1)).kind()).isEqualTo(Kind.ADMITTED_FROM_QUEUE);
        assertThat(c.arrive(t1.ticket(), true, seconds(1)).kind()).as("a ticket is good for one request").isEqualTo(Kind.WAIT);

        c.release();
        c.release();
        // Two slots free: the two oldest tickets are both eligible, in whichever order they come back.
        assertThat(c.arrive(t3.ticket(), true, seconds(2)).kind()).isEqualTo(Kind.ADMITTED_FROM_QUEUE);
        assertThat(c.arrive(t2.ticket(), true, seconds(2)).kind()).isEqualTo(Kind.ADMITTED_FROM_QUEUE);
        assertThat(c.inFlight()).isEqualTo(2);
    }

    @Test
    void aSlotBeyondThoseReservedGoesToANewcomer() {
        AdmissionControl c = new AdmissionControl(2, true);
        c.tryEnter();
        c.tryEnter();
        Admission t1 = c.arrive(-1, true, seconds(0));
        c.release();
        c.release();
        assertThat(c.arrive(-1, false, seconds(0)).kind()).isEqualTo(Kind.ADMITTED);
        assertThat(c.arrive(-1, false, seconds(0)).kind()).as("the last free slot is the ticket's").isEqualTo(Kind.BUSY);
        assertThat(c.arrive(t1.ticket(), true, seconds(0)).kind()).isEqualTo(Kind.ADMITTED_FROM_QUEUE);
    }

    @Test
    void ticketsNotPolledForTheirTtlLeaveTheLine() {
        AdmissionControl c = new AdmissionControl(1, true);
        c.tryEnter();
        Admission quitter = c.arrive(-1, true, seconds(0));
        Admission stayer = c.arrive(-1, true, seconds(0));
        for (int s = 5; s <= 30; s += 5) {
            assertThat(c.arrive(stayer.ticket(), true, seconds(s)).position()).isEqualTo(2);
        }
        assertThat(c.arrive(stayer.ticket(), true, seconds(32)).position()).isEqualTo(1);
        Admission back = c.arrive(quitter.ticket(), true, seconds(32));
        assertThat(back.position()).isEqualTo(2);
        assertThat(back.ticket()).isNotEqualTo(quitter.ticket());
    }

    @Test
    void aFullLineTurnsNewcomersAway() {
        AdmissionControl c = new AdmissionControl(1, true);
        c.tryEnter();
        for (int i = 0; i < TicketLine.CAPACITY; i++) {
            assertThat(c.arrive(-1, true, seconds(0)).kind()).isEqualTo(Kind.WAIT);
        }
        assertThat(c.arrive(-1, true, seconds(0)).kind()).isEqualTo(Kind.FULL);
        assertThat(c.arrive(-1, true, seconds(32)).kind()).as("all expired").isEqualTo(Kind.WAIT);
    }
}
