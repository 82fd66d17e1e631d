package engawa.http.guard;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client that behaves like a browser towards the waiting room: asks for HTML and keeps its cookies. */
final class Browser {
    private static final Pattern POSITION = Pattern.compile("id=\"position\">(\\d+)<");

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final int port;
    private final String name;

    Browser(int port, String name) {
        this.port = port;
        this.name = name;
    }

    /** Loads {@code /api/NAME} as a page; the future completes when the server answers. */
    CompletableFuture<HttpResponse<String>> load() {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/" + name))
                        .header("Host", "s.test")
                        .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Loads the page and expects the waiting room: returns the place in line it shows. */
    int position() {
        HttpResponse<String> r = await(load());
        if (r.statusCode() != 200) {
            throw new AssertionError(name + " expected the waiting room page, got " + r.statusCode() + ": " + r.body());
        }
        return position(r);
    }

    static int position(HttpResponse<String> r) {
        Matcher m = POSITION.matcher(r.body());
        if (!m.find()) {
            throw new AssertionError("not the waiting room page: " + r.body());
        }
        return Integer.parseInt(m.group(1));
    }

    List<HttpCookie> cookies() {
        return cookies.getCookieStore().getCookies();
    }

    void addCookie(HttpCookie cookie) {
        cookies.getCookieStore().add(URI.create("http://127.0.0.1:" + port + "/api/"), cookie);
    }

    String name() {
        return name;
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
