package engawa.http.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import engawa.config.RouteConfig;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import engawa.snapshot.CompileContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code access: {basic_auth: {realm, users_file}}}: HTTP Basic authentication (RFC 7617) against an
 * htpasswd file of bcrypt hashes. No or wrong credentials get 401 with {@code WWW-Authenticate: Basic
 * realm="..."}.
 *
 * <p>Runs on the event loop, but bcrypt never does: a check goes to {@link PasswordChecks} (virtual
 * threads) and the request resumes on its event loop with the answer. A successful check is remembered for
 * {@link #REMEMBER} under a SHA-256 of the Authorization header (never the password), in a map of at most
 * {@link #MAX_REMEMBERED} entries, so a logged-in client pays bcrypt once, not per request; concurrent
 * requests with the same header share one check. Failures are not remembered. An unknown user is checked
 * against a decoy hash so that the answer takes as long as for a known one.
 */
public final class BasicAuthGuard implements HttpHandler {
    static final Duration REMEMBER = Duration.ofSeconds(60);
    static final int MAX_REMEMBERED = 10_000;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(BasicAuthGuard::sha256);

    private final Htpasswd users;
    private final String challenge;
    private final PasswordChecks checks;
    private final GuardMeters meters;
    private final HttpHandler next;
    private final Cache<ByteBuffer, Boolean> verified = Caffeine.newBuilder()
            .maximumSize(MAX_REMEMBERED)
            .expireAfterWrite(REMEMBER)
            .build();
    private final ConcurrentHashMap<ByteBuffer, CompletableFuture<Outcome>> checking = new ConcurrentHashMap<>();

    private BasicAuthGuard(Htpasswd users, String realm, PasswordChecks checks, GuardMeters meters, HttpHandler next) {
        this.users = users;
        this.challenge = "Basic realm=\"" + realm.replace("\\", "\\\\").replace("\"", "\\\"") + "\", charset=\"UTF-8\"";
        this.checks = checks;
        this.meters = meters;
        this.next = next;
    }

    /**
     * {@code next} behind the route's basic auth, or {@code next} itself when it has none. Reads the users
     * file now; a file that cannot be read or holds anything but bcrypt hashes is an error at {@code at}.
     */
    public static HttpHandler wrap(CompileContext ctx, String at, RouteConfig.Access access, GuardMeters meters, HttpHandler next) {
        if (access.usersFile() == null) {
            return next;
        }
        Htpasswd users = Htpasswd.read(access.usersFile(), at + ".access.basic_auth.users_file", ctx.problems());
        if (users == null) {
            return next;
        }
        return new BasicAuthGuard(users, access.realm(), ctx.services().guards().passwordChecks(), meters, next);
    }

    @Override
    public void handle(HttpExchange ex) {
        String header = ex.request().headers().get(HttpHeaderNames.AUTHORIZATION);
        Credentials credentials = Credentials.parse(header);
        if (credentials == null) {
            refuse(ex);
            return;
        }
        ByteBuffer key = key(header);
        if (verified.getIfPresent(key) != null) {
            next.handle(ex);
            return;
        }
        CompletableFuture<Outcome> check = checking.get(key);
        if (check == null) {
            CompletableFuture<Outcome> mine = new CompletableFuture<>();
            check = checking.putIfAbsent(key, mine);
            if (check == null) {
                check = mine;
                start(key, credentials, mine);
            }
        }
        check.whenComplete((outcome, failure) -> Resume.onEventLoop(ex, () -> {
            switch (outcome) {
                case ACCEPTED -> next.handle(ex);
                case REFUSED -> refuse(ex);
                case BUSY -> {
                    meters.authBusy().increment();
                    Rejections.retryLater(ex, 503, 1);
                }
            }
        }));
    }

    /** Checks the password on a virtual thread; completes {@code outcome} and forgets it, remembering a success. */
    private void start(ByteBuffer key, Credentials credentials, CompletableFuture<Outcome> outcome) {
        String hash = users.hash(credentials.user());
        CompletableFuture<Boolean> check = checks.check(hash != null ? hash : users.decoy(), credentials.password());
        if (check == null) {
            checking.remove(key, outcome);
            outcome.complete(Outcome.BUSY);
            return;
        }
        check.whenComplete((ok, failure) -> {
            boolean accepted = hash != null && Boolean.TRUE.equals(ok);
            if (accepted) {
                verified.put(key, Boolean.TRUE);
            }
            checking.remove(key, outcome);
            outcome.complete(accepted ? Outcome.ACCEPTED : Outcome.REFUSED);
        });
    }

    private enum Outcome { ACCEPTED, REFUSED, BUSY }

    private void refuse(HttpExchange ex) {
        meters.unauthorized().increment();
        Rejections.unauthorized(ex, challenge);
    }

    private static ByteBuffer key(String header) {
        MessageDigest d = SHA256.get();
        return ByteBuffer.wrap(d.digest(header.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** User and password from {@code Authorization: Basic base64(user:password)}. */
    record Credentials(String user, byte[] password) {

        /** Null for a missing header, another scheme, or anything malformed. */
        static Credentials parse(String header) {
            if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return null;
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(header.substring(6).strip());
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = -1;
            for (int i = 0; i < decoded.length; i++) {
                if (decoded[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) {
                return null;
            }
            String user = new String(decoded, 0, colon, StandardCharsets.UTF_8);
            return new Credentials(user, Arrays.copyOfRange(decoded, colon + 1, decoded.length));
        }
    }
}
