package engawa.tunnel;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Headers between HTTP/1.1 (the public side and the local service) and the link's HTTP/2: connection-specific
 * fields (Connection and what it names, Keep-Alive, Transfer-Encoding, Upgrade, Host) do not cross, and
 * neither do the link's own {@code x-engawa-*} fields, whoever sent them.
 */
public final class HeaderMapping {

    private HeaderMapping() {
    }

    /** The HTTP/1.1 fields of {@code in} as HTTP/2 fields added to {@code out}. */
    public static Http2Headers toHttp2(HttpHeaders in, Http2Headers out) {
        HttpConversionUtil.toHttp2Headers(in, out);
        List<CharSequence> internal = null;
        for (Map.Entry<CharSequence, CharSequence> e : out) {
            if (isInternal(e.getKey())) {
                if (internal == null) {
                    internal = new ArrayList<>(2);
                }
                internal.add(e.getKey());
            }
        }
        if (internal != null) {
            internal.forEach(out::remove);
        }
        return out;
    }

    /** A response head as HTTP/2 fields: {@code :status} and the rest. */
    public static Http2Headers response(int status, HttpHeaders in) {
        return toHttp2(in, new DefaultHttp2Headers().status(Integer.toString(status)));
    }

    /**
     * The regular HTTP/2 fields of {@code in} added to {@code out} (pseudo-fields and the link's own left
     * out; several cookie fields joined into one, as HTTP/1.1 wants). Throws {@link IllegalArgumentException}
     * on a field HTTP/1.1 cannot carry.
     */
    public static void toHttp1(Http2Headers in, HttpHeaders out) {
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : in) {
            CharSequence name = e.getKey();
            if (name.length() == 0 || name.charAt(0) == ':' || isInternal(name) || connectionSpecific(name)) {
                continue;
            }
            if (HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name)) {
                cookies = cookies == null ? new StringBuilder() : cookies.append("; ");
                cookies.append(e.getValue());
                continue;
            }
            out.add(name, e.getValue());
        }
        if (cookies != null) {
            out.set(HttpHeaderNames.COOKIE, cookies.toString());
        }
    }

    /** The status in {@code :status}, or -1 when missing or not three digits. */
    public static int status(Http2Headers headers) {
        CharSequence s = headers.status();
        if (s == null || s.length() != 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code >= 100 ? code : -1;
    }

    /** Whether a response to {@code method} with this status may have a body (RFC 9110 6.4.1). */
    public static boolean bodyAllowed(HttpMethod method, int status) {
        return !HttpMethod.HEAD.equals(method) && status >= 200 && status != 204 && status != 304;
    }

    /**
     * Makes an HTTP/1.1 message's framing explicit: an empty body gets {@code Content-Length: 0}, a body of
     * unknown length is chunked. HTTP/2 carries neither.
     */
    public static void frame(HttpMessage message, boolean bodyAllowed, boolean empty) {
        HttpHeaders h = message.headers();
        if (!bodyAllowed || h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return;
        }
        if (empty) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        }
    }

    /** Whether the status means the response head is not final (100 Continue, 103 Early Hints; not 101). */
    public static boolean interim(int status) {
        return status >= 100 && status < 200 && status != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }

    static boolean isInternal(CharSequence name) {
        int n = TunnelProtocol.INTERNAL_PREFIX.length();
        return name.length() >= n && (name.charAt(0) | 0x20) == 'x'
                && AsciiString.regionMatches(name, true, 0, TunnelProtocol.INTERNAL_PREFIX, 0, n);
    }

    private static boolean connectionSpecific(CharSequence name) {
        return HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.KEEP_ALIVE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.PROXY_CONNECTION.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name);
    }
}
