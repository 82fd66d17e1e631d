package engawa.http.guard;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Client addresses as guards see them. */
final class Addresses {
    /** IPv4 keys carry this in their top half, which no IPv6 source prefix has (ffff:ffff::/32 is unassigned). */
    private static final long IPV4_TAG = 0xffff_ffffL << 32;

    private Addresses() {
    }

    /**
     * The address a dual-stack socket reports for an IPv4 client ({@code ::ffff:192.0.2.1}) as the IPv4
     * address, so that IPv4 rules and limits apply to it.
     */
    static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            if (isMappedV4(b)) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return a;
    }

    /**
     * The client a limit counts: an IPv4 address, or an IPv6 /64. An IPv6 subscriber gets a whole /64 and
     * can pick any address in it, so limiting single IPv6 addresses would limit nothing.
     */
    static long clientKey(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isMappedV4(b)) {
            return IPV4_TAG | ((b[12] & 0xffL) << 24) | ((b[13] & 0xffL) << 16) | ((b[14] & 0xffL) << 8) | (b[15] & 0xffL);
        }
        if (b.length == 4) {
            return IPV4_TAG | ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        }
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix = (prefix << 8) | (b[i] & 0xffL);
        }
        return prefix;
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
