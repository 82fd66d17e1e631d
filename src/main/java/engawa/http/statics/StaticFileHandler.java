package engawa.http.statics;

import engawa.config.RouteConfig;
import engawa.http.ErrorResponses;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import engawa.snapshot.CompileContext;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code static: {root, index, precompressed, cache_control}}: serves the files under {@code root}.
 *
 * <p><b>Path mapping (alias semantics).</b> The route's prefix is stripped and the rest of the decoded,
 * normalized request path names a file under {@code root}: with route {@code /assets/} and root
 * {@code sites/peacock/assets}, {@code /assets/app.css} is {@code sites/peacock/assets/app.css}; with route
 * {@code /}, {@code /index.html} is {@code root/index.html}. A prefix without a trailing slash matches at
 * a segment boundary only ({@code /docs} serves {@code /docs/x} but not {@code /docsx}), and names the root
 * itself when asked for exactly, so a root may be a single file. A directory is served by its first
 * existing {@code index} file when asked for with a trailing slash, and redirected (301) to the slash form
 * without one, as nginx does; a directory without an index file is 404 (no listings).
 *
 * <p><b>Never outside the root.</b> {@code ..} is resolved (and refused above the root) before routing,
 * so it cannot leave the route; NUL is refused there too. Here an encoded slash ({@code %2F}) is 404, and
 * every file's real path, symbolic links followed, must lie inside the root's real path, else 403. Only
 * regular files are served. A missing root is 404 until it appears.
 *
 * <p><b>Answers.</b> GET and HEAD (other methods 405 with Allow). A precompressed sibling
 * ({@code app.css.br}, {@code .gz}, {@code .zst}, in the order {@code precompressed} lists the codings) is
 * chosen by Accept-Encoding, with Content-Encoding, the original's Content-Type, and
 * {@code Vary: Accept-Encoding} on every answer for a file that has siblings. Validators: a strong ETag
 * from mtime and size (each sibling has its own) and Last-Modified; If-None-Match (which wins over
 * If-Modified-Since) and If-Modified-Since give 304, If-Match and If-Unmodified-Since 412. Range: one
 * range is 206 with Content-Range, several are {@code multipart/byteranges}, none satisfiable is 416 with
 * {@code Content-Range: bytes *}{@code /SIZE}; If-Range (ETag or date) falls back to 200 when it does not
 * match. Cache-Control as configured.
 *
 * <p><b>Cost.</b> The process-wide {@link FileCache} keeps what the disk said for a second, the bytes of
 * files up to {@value #MAX_IN_MEMORY} bytes, and larger files open, so a hot file costs no system call to
 * find. Bodies go with sendfile(2) on plain HTTP ({@link HttpExchange#zeroCopy()}), or in chunks through
 * the pipeline's {@code ChunkedWriteHandler} when the bytes must pass through TLS or HTTP/2 framing.
 *
 * <p>Immutable; one per route and config revision; runs on the event loops.
 */
public final class StaticFileHandler implements HttpHandler {
    /** Files up to this size are kept in memory. */
    static final int MAX_IN_MEMORY = 64 * 1024;

    private static final AsciiString ALLOWED = AsciiString.cached("GET, HEAD");
    // Header values here are built by this class or checked at compile time.
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    /** Where the route's prefix ends in a request path, its trailing slash excluded. */
    private final int cut;
    private final FileResolver resolver;
    private final FileCache files;
    private final AsciiString cacheControl;
    private final String boundary;

    StaticFileHandler(FileCache files, String prefix, Path root, List<String> index, List<String> precompressed,
                      String cacheControl) {
        this.cut = prefix.endsWith("/") ? prefix.length() - 1 : prefix.length();
        this.resolver = new FileResolver(root, cut, index, precompressed, MAX_IN_MEMORY);
        this.files = files;
        this.cacheControl = cacheControl == null || cacheControl.isBlank() ? null : AsciiString.cached(cacheControl.strip());
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        this.boundary = "engawa-" + HexFormat.of().formatHex(random);
    }

    /** The handler for a route at {@code routePrefix}; {@code at} names {@code ...routes[i].static} in errors. */
    public static HttpHandler create(CompileContext ctx, String at, String routePrefix, RouteConfig.Static config) {
        String cc = config.cacheControl();
        if (cc != null && !fieldValue(cc)) {
            ctx.problems().error(at + ".cache_control", "must be a header value: visible ASCII characters and spaces");
        }
        return new StaticFileHandler(ctx.services().staticFiles(), routePrefix, config.root(), config.index(),
                config.precompressed(), cc);
    }

    private static boolean fieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void handle(HttpExchange ex) {
        HttpMethod method = ex.request().method();
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
            FullHttpResponse r = ErrorResponses.build(405, null, false);
            r.headers().set(HttpHeaderNames.ALLOW, ALLOWED);
            ex.writeAndFlush(r);
            return;
        }
        String path = ex.path().path();
        // The prefix must end at a segment boundary: route /docs does not serve /docsx (nor /docs../x).
        if (ex.path().encodedSlash() || (path.length() > cut && path.charAt(cut) != '/')) {
            ex.sendError(404);
            return;
        }
        // The whole path is the cache key (the route's prefix is fixed): no substring per request.
        serve(ex, path, head, true);
    }

    private void serve(HttpExchange ex, String key, boolean head, boolean mayRetry) {
        switch (files.get(resolver, key)) {
            case Lookup.Found f -> serveFile(ex, key, f, head, mayRetry);
            case Lookup.Directory d -> redirectToSlash(ex);
            case Lookup.Outside o -> ex.sendError(403);
            case Lookup.Missing m -> ex.sendError(404);
        }
    }

    private void serveFile(HttpExchange ex, String key, Lookup.Found f, boolean head, boolean mayRetry) {
        HttpHeaders request = ex.request().headers();
        Representation rep = f.identity();
        if (f.encoded().length > 0) {
            int i = AcceptEncoding.choose(request.get(HttpHeaderNames.ACCEPT_ENCODING), f.encoded());
            if (i >= 0) {
                rep = f.encoded()[i];
            }
        }
        switch (Preconditions.evaluate(request, rep)) {
            case NOT_MODIFIED -> {
                ex.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                        Unpooled.EMPTY_BUFFER, validators(f, rep), EmptyHttpHeaders.INSTANCE));
                return;
            }
            case FAILED -> {
                ex.sendError(412);
                return;
            }
            case PROCEED -> {
            }
        }
        ByteRanges ranges = ByteRanges.IGNORED;
        String range = head ? null : request.get(HttpHeaderNames.RANGE);
        if (range != null && Preconditions.rangeAllowed(request.get(HttpHeaderNames.IF_RANGE), rep)) {
            ranges = ByteRanges.parse(range, rep.size());
        }
        if (ranges == ByteRanges.UNSATISFIABLE) {
            FullHttpResponse r = ErrorResponses.build(416, null, false);
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + rep.size());
            ex.writeAndFlush(r);
            return;
        }
        OpenFile file = null;
        if (!head && rep.content() == null) {
            file = rep.file() != null && rep.file().tryRetain() ? rep.file() : OpenFile.open(rep.path());
            if (mayRetry && (file == null || (file != rep.file() && file.size() != rep.size()))) {
                // Replaced or removed since it was looked up (a deploy): ask the disk again, once.
                if (file != null) {
                    file.release();
                }
                files.invalidate(resolver, key);
                serve(ex, key, head, false);
                return;
            }
            if (file == null) {
                ex.sendError(404);
                return;
            }
        }
        try {
            HttpHeaders h = validators(f, rep);
            h.add(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
            if (rep.contentEncoding() != null) {
                h.add(HttpHeaderNames.CONTENT_ENCODING, rep.contentEncoding());
            }
            if (ranges.count() == 0) {
                h.add(HttpHeaderNames.CONTENT_TYPE, f.contentType());
                h.add(HttpHeaderNames.CONTENT_LENGTH, rep.contentLength());
                FileBodies.send(ex, HttpResponseStatus.OK, h, rep, file, 0, rep.size(), head);
            } else if (ranges.count() == 1) {
                h.add(HttpHeaderNames.CONTENT_TYPE, f.contentType());
                h.add(HttpHeaderNames.CONTENT_RANGE, contentRange(ranges.first(0), ranges.last(0), rep.size()));
                h.add(HttpHeaderNames.CONTENT_LENGTH, Long.toString(ranges.length(0)));
                FileBodies.send(ex, HttpResponseStatus.PARTIAL_CONTENT, h, rep, file, ranges.first(0), ranges.length(0), false);
            } else {
                FileBodies.sendMultipart(ex, h, f.contentType(), rep, file, ranges, boundary);
            }
        } finally {
            if (file != null) {
                file.release();
            }
        }
    }

    static String contentRange(long first, long last, long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The headers every answer about a file carries, 304 included (RFC 9110 15.4.5). */
    private HttpHeaders validators(Lookup.Found f, Representation rep) {
        HttpHeaders h = HEADERS.newHeaders();
        h.add(HttpHeaderNames.DATE, HttpDates.now());
        h.add(HttpHeaderNames.ETAG, rep.etag());
        h.add(HttpHeaderNames.LAST_MODIFIED, rep.lastModified());
        if (cacheControl != null) {
            h.add(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        }
        if (f.encoded().length > 0) {
            h.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
        return h;
    }

    private static void redirectToSlash(HttpExchange ex) {
        String query = ex.path().query();
        String location = encodePath(ex.path().path()) + "/" + (query == null ? "" : "?" + query);
        FullHttpResponse r = ErrorResponses.build(301, null, true);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ex.writeAndFlush(r);
    }

    /** Percent-encodes a decoded path for a Location header, keeping the characters a path may hold as they are. */
    static String encodePath(String path) {
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
