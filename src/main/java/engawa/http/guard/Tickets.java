package engawa.http.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Waiting-room tickets as cookie values: {@code ROOM.NUMBER.MAC}, the MAC an HMAC-SHA256 (truncated to 128
 * bits) over the room, the number and the route, under a key drawn at random when the process starts.
 * There is no configured or default secret: tickets are only good in the process that issued them, which is
 * also the only one that holds the line they refer to. Thread-safe.
 */
final class Tickets {
    static final String COOKIE = "engawa_wait";
    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    Tickets() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    String encode(RouteId route, long roomId, long number) {
        return Long.toHexString(roomId) + "." + number + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(route, roomId, number));
    }

    /** The ticket number in {@code value} if it is a genuine ticket of this room, else -1. */
    long decode(String value, RouteId route, long roomId) {
        int dot1 = value.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : value.indexOf('.', dot1 + 1);
        if (dot2 < 0) {
            return -1;
        }
        try {
            if (Long.parseUnsignedLong(value, 0, dot1, 16) != roomId) {
                return -1;
            }
            long number = Long.parseLong(value, dot1 + 1, dot2, 10);
            byte[] given = Base64.getUrlDecoder().decode(value.substring(dot2 + 1));
            return number >= 0 && MessageDigest.isEqual(given, mac(route, roomId, number)) ? number : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private byte[] mac(RouteId route, long roomId, long number) {
        Mac mac = macs.get();
        mac.update(ByteBuffer.allocate(16).putLong(roomId).putLong(number).flip());
        mac.update(route.site().getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(route.path().getBytes(StandardCharsets.UTF_8));
        byte[] full = mac.doFinal();
        return Arrays.copyOf(full, MAC_BYTES);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
