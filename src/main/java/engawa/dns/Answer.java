package engawa.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * A response worked out at compile time, before it is rendered into a {@link Templates template}: the rcode,
 * AA, and the three sections. An owner of null stands for the query name itself (its case is the client's).
 */
final class Answer {
    /** One RRset in a section. */
    record Rr(String owner, int type, long ttl, List<byte[]> rdata) {
    }

    int rcode;
    boolean authoritative = true;
    boolean additionalRequired;
    final List<Rr> answer = new ArrayList<>(2);
    final List<Rr> authority = new ArrayList<>(1);
    final List<Rr> additional = new ArrayList<>(0);
}
