package engawa.http.guard;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One route's concurrency limit and, optionally, its waiting room. Shared by every event loop and by
 * successive snapshots while the route's limit is unchanged. Thread-safe.
 *
 * <p>Requests in flight and tickets waiting are packed in one {@code AtomicLong}, so "nobody is waiting
 * and a slot is free, take it" is a single CAS: that is the whole cost while the route is under its limit.
 * Releasing a slot is one atomic decrement. Only when the route is full or people are waiting does a
 * request take this object's lock, held for a few array operations.
 *
 * <p><b>Fairness of the waiting room.</b> Tickets are numbered in the order their first request arrived.
 * At every moment the free slots (limit minus requests in flight) are reserved for the oldest tickets
 * still in line, one each: a ticket is admitted when fewer tickets are ahead of it than there are free
 * slots. A request without a ticket, or with a newer one, gets a slot only if one is free beyond those
 * reserved; so no request ever takes a slot while an older ticket in line is still waiting for one.
 * Eligibility therefore follows ticket order strictly; when several tickets are eligible at once, they
 * enter in the order their holders come back. A ticket leaves the line when admitted (it is good for one
 * request) or when its holder has not polled for {@link #TICKET_TTL_SECONDS}; an eligible ticket whose
 * holder has gone thus holds its slot that long at most.
 */
final class AdmissionControl {
    static final int REFRESH_SECONDS = 5;
    static final int TICKET_TTL_SECONDS = 30;
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(TICKET_TTL_SECONDS);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long ONE_WAITING = 1L << 32;
    private static final long IN_FLIGHT = ONE_WAITING - 1;

    /** What became of a request over the limit. {@code ticket} and {@code position} are set for {@code WAIT}. */
    record Admission(Kind kind, long ticket, int position) {
        static final Admission ADMITTED = new Admission(Kind.ADMITTED, -1, 0);
        static final Admission FROM_QUEUE = new Admission(Kind.ADMITTED_FROM_QUEUE, -1, 0);
        static final Admission BUSY = new Admission(Kind.BUSY, -1, 0);
        static final Admission FULL = new Admission(Kind.FULL, -1, 0);
    }

    enum Kind {
        /** Let in: a slot was free beyond those reserved for tickets. */
        ADMITTED,
        /** Let in on its ticket, which has left the line. */
        ADMITTED_FROM_QUEUE,
        /** In line: {@code position} is 1 for the next ticket to be let in. */
        WAIT,
        /** No slot, and this client cannot wait in line (not a browser, or no waiting room). */
        BUSY,
        /** No slot, and the line is as long as it can be. */
        FULL
    }

    private final int limit;
    private final boolean waitingRoom;
    private final long roomId = new SecureRandom().nextLong();
    private final AtomicLong counts = new AtomicLong();
    private final TicketLine line = new TicketLine();
    private long lastSweep;
    private boolean swept;

    AdmissionControl(int limit, boolean waitingRoom) {
        this.limit = limit;
        this.waitingRoom = waitingRoom;
    }

    boolean waitingRoom() {
        return waitingRoom;
    }

    /** Identifies this room in its tickets: a ticket from another room (another process, other limits) is void. */
    long roomId() {
        return roomId;
    }

    /** Takes a slot when nobody waits and one is free. Lock-free. */
    boolean tryEnter() {
        while (true) {
            long c = counts.get();
            if (c >= limit) {
                // Someone waits (the high half is set) or every slot is taken.
                return false;
            }
            if (counts.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryEnter} or {@link #arrive}. */
    void release() {
        counts.decrementAndGet();
    }

    /**
     * Decides for a request that {@link #tryEnter} turned away: let it in, put it in line (or tell its
     * ticket's place), or turn it away. {@code ticket} is the number its valid ticket carries, or -1;
     * {@code mayWait} says whether it can hold a ticket (a browser, in a route with a waiting room).
     */
    synchronized Admission arrive(long ticket, boolean mayWait, long now) {
        if (!swept || now - lastSweep > SWEEP_NANOS) {
            sweep(now);
        }
        if (ticket >= 0 && line.inLine(ticket)) {
            int ahead = line.ahead(ticket);
            while (true) {
                long c = counts.get();
                if (ahead < limit - inFlight(c)) {
                    if (counts.compareAndSet(c, c + 1 - ONE_WAITING)) {
                        line.remove(ticket);
                        return Admission.FROM_QUEUE;
                    }
                    continue;
                }
                line.touch(ticket, now);
                return new Admission(Kind.WAIT, ticket, ahead + 1);
            }
        }
        while (true) {
            long c = counts.get();
            int waiting = waiting(c);
            if (waiting < limit - inFlight(c)) {
                if (counts.compareAndSet(c, c + 1)) {
                    return Admission.ADMITTED;
                }
                continue;
            }
            if (!mayWait || !waitingRoom) {
                return Admission.BUSY;
            }
            if (line.full()) {
                return Admission.FULL;
            }
            if (counts.compareAndSet(c, c + ONE_WAITING)) {
                return new Admission(Kind.WAIT, line.issue(now), waiting + 1);
            }
        }
    }

    /** Requests in flight now. */
    int inFlight() {
        return inFlight(counts.get());
    }

    /** Tickets in line now, after dropping those whose holders stopped polling. */
    synchronized int waiting() {
        sweep(System.nanoTime());
        return waiting(counts.get());
    }

    private void sweep(long now) {
        lastSweep = now;
        swept = true;
        int expired = line.expire(now, TTL_NANOS);
        if (expired > 0) {
            counts.addAndGet(-expired * ONE_WAITING);
        }
    }

    private static int inFlight(long c) {
        return (int) (c & IN_FLIGHT);
    }

    private static int waiting(long c) {
        return (int) (c >>> 32);
    }
}
