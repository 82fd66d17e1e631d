package engawa.dns;

/**
 * One DNS message being answered, parsed by {@link QueryParser}: header, the question (its name lower-cased
 * with its label offsets and the hash of every suffix), the EDNS(0) OPT record and, for IXFR, the client's
 * serial. Mutable and reused: one instance per thread, so the packet path allocates nothing for it.
 */
final class Query {
    static final int MAX_MESSAGE = 65535;

    /** The message as received (the question is echoed from here, in the client's case). */
    final byte[] packet = new byte[MAX_MESSAGE];
    int length;

    int id;
    int flags;
    int opcode;

    /** True when the question parsed: {@link #qnameLen} bytes of name at offset 12, then type and class. */
    boolean questionOk;
    final byte[] lower = new byte[256];
    final int[] labels = new int[128];
    final long[] hashes = new long[129];
    int labelCount;
    /** The label at which the zone found for this query starts (set by {@link DnsIndex#findZone}). */
    int apexLabel;
    int qnameLen;
    int qtype;
    int qclass;

    /** EDNS(0): present, version, the client's UDP payload size, and whether the OPT record parsed. */
    boolean edns;
    int ednsVersion;
    int udpPayload;

    /** The serial in an IXFR query's authority SOA, or -1. */
    long ixfrSerial;

    /** Messages this thread has answered (not reset): picks the ones whose latency is measured. */
    private int seen;

    /** True for one message in {@link DnsMeters#LATENCY_SAMPLE}, the first included. */
    boolean timed() {
        return (seen++ & (DnsMeters.LATENCY_SAMPLE - 1)) == 0;
    }

    void reset() {
        questionOk = false;
        edns = false;
        ednsVersion = 0;
        udpPayload = 512;
        ixfrSerial = -1;
        labelCount = 0;
        qnameLen = 0;
        qtype = 0;
        qclass = 0;
        opcode = 0;
    }

    /** The query name in text form, lower case (for logs and transfers, not the packet path). */
    String qname() {
        return WireNames.toText(lower, 0);
    }
}
