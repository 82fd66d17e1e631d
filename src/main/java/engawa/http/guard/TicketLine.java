package engawa.http.guard;

import java.util.Arrays;

/**
 * The tickets of one waiting room still in line, by number: issued in increasing order, leaving when
 * admitted or expired (in any order). Answers "how many are ahead of ticket t" in O(log n) with a Fenwick
 * tree over a ring of {@link #CAPACITY} slots, so a room of thousands polling every few seconds stays cheap.
 * Tickets in line always span fewer than {@code CAPACITY} numbers; when they would not, the room is full.
 * Memory (about 768 KiB) is taken on the first ticket. Not thread-safe: {@link AdmissionControl} holds its
 * lock around every call.
 */
final class TicketLine {
    static final int CAPACITY = 1 << 16;
    private static final int MASK = CAPACITY - 1;
    private static final long NONE = Long.MIN_VALUE;

    private long[] lastSeen;
    private int[] tree;
    private long head;
    private long tail;
    private int size;

    /** Tickets in line. */
    int size() {
        return size;
    }

    boolean full() {
        return tail - head >= CAPACITY;
    }

    /** Issues the next ticket number, seen at {@code now}; the caller checked {@link #full()}. */
    long issue(long now) {
        if (lastSeen == null) {
            lastSeen = new long[CAPACITY];
            Arrays.fill(lastSeen, NONE);
            tree = new int[CAPACITY + 1];
        }
        long t = tail++;
        lastSeen[slot(t)] = now;
        add(slot(t), 1);
        size++;
        return t;
    }

    boolean inLine(long t) {
        return t >= head && t < tail && lastSeen[slot(t)] != NONE;
    }

    /** Tickets in line with a lower number than {@code t}. */
    int ahead(long t) {
        int from = slot(head);
        int to = slot(t);
        if (t == head) {
            return 0;
        }
        return from < to ? prefix(to) - prefix(from) : prefix(CAPACITY) - prefix(from) + prefix(to);
    }

    void touch(long t, long now) {
        lastSeen[slot(t)] = now;
    }

    void remove(long t) {
        int s = slot(t);
        lastSeen[s] = NONE;
        add(s, -1);
        size--;
        while (head < tail && lastSeen[slot(head)] == NONE) {
            head++;
        }
    }

    /** Removes the tickets not seen since {@code now - ttlNanos}; returns how many. */
    int expire(long now, long ttlNanos) {
        int removed = 0;
        for (long t = head; t < tail; t++) {
            long seen = lastSeen[slot(t)];
            if (seen != NONE && now - seen > ttlNanos) {
                remove(t);
                removed++;
            }
        }
        return removed;
    }

    private static int slot(long t) {
        return (int) (t & MASK);
    }

    private void add(int slot, int delta) {
        for (int i = slot + 1; i <= CAPACITY; i += i & -i) {
            tree[i] += delta;
        }
    }

    /** Tickets in line in slots {@code [0, slot)}. */
    private int prefix(int slot) {
        int sum = 0;
        for (int i = slot; i > 0; i -= i & -i) {
            sum += tree[i];
        }
        return sum;
    }
}
