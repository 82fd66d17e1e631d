package engawa.config;

import java.net.InetAddress;

/** An address block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        if (!Names.isIpLiteral(addr)) {
            throw new IllegalArgumentException("\"" + text + "\" is not an address or CIDR block");
        }
        byte[] bytes = Names.ipLiteral(addr).getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("\"" + text + "\": prefix length must be 0-" + bits);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            if ((a[i] & (0xff << (8 - keep)) & 0xff) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }
}
