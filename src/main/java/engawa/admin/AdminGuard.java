package engawa.admin;

import engawa.config.AdminConfig;
import engawa.config.TokenConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Who may call the admin API, decided per request from the revision being served (a revision can change
 * the tokens):
 * <ul>
 *   <li>no {@code admin.tokens}: loopback clients only (validation already keeps the listener on loopback;
 *       this refuses anyone else in case it is not), and the Host must be an address or {@code localhost},
 *       so that a web page cannot reach the API through DNS rebinding;</li>
 *   <li>with tokens: {@code Authorization: Bearer TOKEN} whose SHA-256 matches one of them, compared in
 *       constant time; in a browser, HTTP Basic with the token as the password does too (the dashboard's
 *       login prompt);</li>
 *   <li>either way, a request carrying an {@code Origin} that is not the admin listener itself is refused
 *       (a page elsewhere must not drive the API with the user's browser).</li>
 * </ul>
 * Thread-safe; runs on the virtual thread of the call.
 */
final class AdminGuard {
    private static final String REALM = "engawa-admin";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Either the name of who was let in, or the response that refuses the call. */
    record Verdict(String principal, AdminResponse rejection) {
    }

    private final Supplier<AdminConfig> config;

    AdminGuard(Supplier<AdminConfig> config) {
        this.config = config;
    }

    Verdict check(AdminRequest request) {
        String host = request.header(HttpHeaderNames.HOST);
        String origin = request.header(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameOrigin(origin, host)) {
            return refuse(403, "cross-origin request refused: Origin " + origin + " is not this admin listener");
        }
        List<TokenConfig> tokens = config.get().tokens();
        if (tokens.isEmpty()) {
            if (!request.peer().getAddress().isLoopbackAddress()) {
                return refuse(403, "the admin API answers loopback clients only while admin.tokens is empty");
            }
            if (host == null || !addressOrLocalhost(host)) {
                return refuse(403, "Host must be an IP address or localhost while admin.tokens is empty");
            }
            return new Verdict(request.peer().getAddress().getHostAddress(), null);
        }
        String presented = presentedToken(request.header(HttpHeaderNames.AUTHORIZATION));
        if (presented == null) {
            return unauthorized(request, "a bearer token is required (Authorization: Bearer TOKEN)", null);
        }
        byte[] digest = TokenConfig.digest(presented);
        String matched = null;
        for (TokenConfig t : tokens) {
            // Every digest is compared, whatever matched before, so timing says nothing about which.
            if (MessageDigest.isEqual(t.sha256(), digest) && matched == null) {
                matched = t.name();
            }
        }
        if (matched == null) {
            return unauthorized(request, "invalid token", "invalid_token");
        }
        return new Verdict("token " + matched, null);
    }

    private static Verdict refuse(int status, String message) {
        return new Verdict(null, AdminResponse.error(status, message));
    }

    private static Verdict unauthorized(AdminRequest request, String message, String bearerError) {
        // A browser opening the dashboard gets a login prompt (any user name, the token as password);
        // API clients are told to send a bearer token (RFC 6750).
        String challenge = request.path().equals("/")
                ? "Basic realm=\"" + REALM + "\", charset=\"UTF-8\""
                : "Bearer realm=\"" + REALM + "\"" + (bearerError == null ? "" : ", error=\"" + bearerError + "\"");
        return new Verdict(null, AdminResponse.error(401, message).withHeader("WWW-Authenticate", challenge));
    }

    /** The token of {@code Bearer TOKEN}, or the password of {@code Basic base64(user:TOKEN)}; null if neither. */
    static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.strip();
        int space = a.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = a.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = a.substring(space + 1).strip();
        if (credentials.isEmpty()) {
            return null;
        }
        if (scheme.equals("bearer")) {
            return credentials;
        }
        if (scheme.equals("basic")) {
            try {
                String pair = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 || colon == pair.length() - 1 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI u = URI.create(origin);
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getRawAuthority() == null) {
                return false;
            }
            return u.getRawAuthority().equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code 127.0.0.1:9080}, {@code [::1]:9080}, {@code localhost:9080}: no name a DNS answer could re-point. */
    private static boolean addressOrLocalhost(String host) {
        String h = host;
        if (h.startsWith("[")) {
            return h.indexOf(']') > 0;
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.equalsIgnoreCase("localhost") || IPV4.matcher(h).matches();
    }
}
