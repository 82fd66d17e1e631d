package engawa.http.proxy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Header rules of the proxy, both ways. Hop-by-hop headers (RFC 9110 7.6.1) are dropped: Connection and
 * every header it names, Keep-Alive, TE, Trailer, Transfer-Encoding (bodies are re-framed), Upgrade (kept
 * only for an upgrade), HTTP2-Settings and every {@code Proxy-*}. Going up, the client is named in
 * X-Forwarded-For (appended), X-Forwarded-Proto, X-Forwarded-Host and RFC 7239 Forwarded (appended); Host
 * is kept as the client sent it; Expect is dropped (the edge already answered 100 Continue).
 */
final class ProxyHeaders {
    private static final HttpHeadersFactory UNVALIDATED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final AsciiString PROXY_ = AsciiString.cached("proxy-");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private ProxyHeaders() {
    }

    /** True for a request asking to switch protocols (WebSocket): an Upgrade header named by Connection. */
    static boolean wantsUpgrade(HttpRequest request) {
        return request.headers().contains(HttpHeaderNames.UPGRADE)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.protocolVersion().equals(HttpVersion.HTTP_1_1);
    }

    /**
     * The request head that goes upstream: HTTP/1.1, {@code target}, the client's end-to-end headers and
     * the forwarding headers. The body keeps its framing: Content-Length as received, or chunked.
     */
    static HttpRequest upstreamRequest(HttpRequest in, String target, String host, InetAddress client,
                                       boolean secure, boolean upgrade) {
        HttpHeaders from = in.headers();
        List<String> named = connectionTokens(from);
        HttpHeaders out = UNVALIDATED.newHeaders();
        String xff = null;
        String forwarded = null;
        for (var it = from.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence n = e.getKey();
            if (isHopByHop(n) || named != null && listed(named, n)) {
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(n, X_FORWARDED_FOR)) {
                xff = xff == null ? e.getValue().toString() : xff + ", " + e.getValue();
            } else if (AsciiString.contentEqualsIgnoreCase(n, FORWARDED)) {
                forwarded = forwarded == null ? e.getValue().toString() : forwarded + ", " + e.getValue();
            } else if (!AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.EXPECT)
                    && !AsciiString.contentEqualsIgnoreCase(n, X_FORWARDED_PROTO)
                    && !AsciiString.contentEqualsIgnoreCase(n, X_FORWARDED_HOST)) {
                out.add(n, e.getValue());
            }
        }
        String ip = NetUtil.toAddressString(client);
        String proto = secure ? "https" : "http";
        out.set(X_FORWARDED_FOR, xff == null ? ip : xff + ", " + ip);
        out.set(X_FORWARDED_PROTO, proto);
        if (host != null) {
            out.set(HttpHeaderNames.HOST, host);
            out.set(X_FORWARDED_HOST, host);
        }
        String node = client instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
        String element = "for=" + node + (host != null ? ";host=" + tokenOrQuoted(host) : "") + ";proto=" + proto;
        out.set(FORWARDED, forwarded == null ? element : forwarded + ", " + element);
        if (HttpUtil.isTransferEncodingChunked(in)) {
            out.remove(HttpHeaderNames.CONTENT_LENGTH);
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (upgrade) {
            out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            out.set(HttpHeaderNames.UPGRADE, from.get(HttpHeaderNames.UPGRADE));
        }
        return new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, in.method(), target, out);
    }

    /**
     * Makes an upstream response head fit to send to the client, in place: hop-by-hop headers out, HTTP/1.1,
     * and framing for the client (Content-Length kept; otherwise chunked, or close-delimited for an
     * HTTP/1.0 client). A 101 keeps Upgrade and Connection: upgrade.
     */
    static void prepareResponse(HttpResponse r, HttpRequest clientRequest) {
        HttpHeaders h = r.headers();
        int code = r.status().code();
        boolean chunked = HttpUtil.isTransferEncodingChunked(r);
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        String upgrade = code == 101 ? h.get(HttpHeaderNames.UPGRADE) : null;
        removeHopByHop(h);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (code == 101) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            if (upgrade != null) {
                h.set(HttpHeaderNames.UPGRADE, upgrade);
            }
            return;
        }
        if (code < 200 || code == 204) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            return;
        }
        if (code == 304) {
            return;
        }
        if (chunked) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if (hasLength && !chunked) {
            return;
        }
        if (clientRequest.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            // No chunked encoding for HTTP/1.0: the end of the body is the end of the connection.
            HttpUtil.setKeepAlive(r, false);
        } else {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    private static void removeHopByHop(HttpHeaders h) {
        List<String> named = connectionTokens(h);
        List<CharSequence> drop = null;
        for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence n = e.getKey();
            if (isHopByHop(n) || named != null && listed(named, n)) {
                if (drop == null) {
                    drop = new ArrayList<>(4);
                }
                drop.add(n);
            }
        }
        if (drop != null) {
            for (CharSequence n : drop) {
                h.remove(n);
            }
        }
    }

    /**
     * The header names the Connection headers list that are not hop-by-hop anyway, or null when there are
     * none: the usual {@code keep-alive}, {@code upgrade} cost no allocation.
     */
    private static List<String> connectionTokens(HttpHeaders h) {
        List<String> out = null;
        for (var it = h.valueCharSequenceIterator(HttpHeaderNames.CONNECTION); it.hasNext(); ) {
            CharSequence v = it.next();
            int end = v.length();
            for (int i = 0; i <= end; ) {
                int comma = i;
                while (comma < end && v.charAt(comma) != ',') {
                    comma++;
                }
                int s = i;
                int e = comma;
                // As String.trim: anything up to space is blank.
                while (s < e && v.charAt(s) <= ' ') {
                    s++;
                }
                while (e > s && v.charAt(e - 1) <= ' ') {
                    e--;
                }
                if (e > s) {
                    CharSequence token = v.subSequence(s, e);
                    if (!isHopByHop(token)) {
                        if (out == null) {
                            out = new ArrayList<>(2);
                        }
                        out.add(token.toString());
                    }
                }
                i = comma + 1;
            }
        }
        return out;
    }

    /** True when header name {@code n} is one of {@code names} (header names are ASCII: case folds simply). */
    private static boolean listed(List<String> names, CharSequence n) {
        for (String name : names) {
            if (AsciiString.contentEqualsIgnoreCase(n, name)) {
                return true;
            }
        }
        return false;
    }

    static boolean isHopByHop(CharSequence n) {
        return switch (n.length()) {
            case 2 -> AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.TE);
            case 7 -> AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.TRAILER)
                    || AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.UPGRADE);
            case 10 -> AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.CONNECTION)
                    || AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.KEEP_ALIVE);
            case 14 -> AsciiString.contentEqualsIgnoreCase(n, "http2-settings");
            case 17 -> AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.TRANSFER_ENCODING);
            default -> n.length() > 6 && AsciiString.regionMatches(n, true, 0, PROXY_, 0, 6);
        };
    }

    /** RFC 7239 values are tokens or quoted strings; host:port has a colon, so it is quoted. */
    static String tokenOrQuoted(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return v;
    }
}
