package engawa.tunnel;

import engawa.config.Cidr;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * The guards a client put on its tunnel with its flags: an allow-list of address blocks (public clients
 * outside it get 403, TCP connections are closed) and basic auth (401 without the right user and password).
 * Only the password's SHA-256 is kept. Immutable; checked on the event loop.
 */
public final class TunnelAccess {
    public static final TunnelAccess OPEN = new TunnelAccess(List.of(), List.of(), null);

    private final List<String> allowText;
    private final List<Cidr> allow;
    private final byte[] credentialsSha256;

    private TunnelAccess(List<String> allowText, List<Cidr> allow, byte[] credentialsSha256) {
        this.allowText = allowText;
        this.allow = allow;
        this.credentialsSha256 = credentialsSha256;
    }

    /** From a client's flags; throws a {@link Refusal} naming the flag that is malformed. */
    public static TunnelAccess of(String basicAuth, List<String> allow) {
        if (basicAuth != null && (basicAuth.indexOf(':') <= 0 || basicAuth.length() > 512)) {
            throw new Refusal(Refusal.BAD_HANDSHAKE, "--basic-auth must be USER:PASSWORD");
        }
        List<Cidr> blocks = allow.stream().map(a -> {
            try {
                return Cidr.parse(a);
            } catch (IllegalArgumentException e) {
                throw new Refusal(Refusal.BAD_HANDSHAKE, "--allow " + e.getMessage());
            }
        }).toList();
        if (basicAuth == null && blocks.isEmpty()) {
            return OPEN;
        }
        return new TunnelAccess(List.copyOf(allow), blocks, basicAuth == null ? null : sha256(basicAuth.getBytes(StandardCharsets.UTF_8)));
    }

    public boolean basicAuth() {
        return credentialsSha256 != null;
    }

    public List<String> allow() {
        return allowText;
    }

    public boolean allows(InetAddress client) {
        if (allow.isEmpty()) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the request carries the user and password the client asked for (always true without basic auth). */
    public boolean authorized(HttpRequest request) {
        if (credentialsSha256 == null) {
            return true;
        }
        String h = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(h.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given), credentialsSha256);
    }

    /** Same guards: a client joining a tunnel must bring the flags of those already on it. */
    public boolean sameAs(TunnelAccess other) {
        return allowText.equals(other.allowText) && MessageDigest.isEqual(
                credentialsSha256 == null ? new byte[0] : credentialsSha256,
                other.credentialsSha256 == null ? new byte[0] : other.credentialsSha256);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
