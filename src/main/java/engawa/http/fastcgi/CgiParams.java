package engawa.http.fastcgi;

import engawa.http.HttpExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The CGI meta-variables of a request (RFC 3875 4.1) as nginx's {@code fastcgi_params} and
 * {@code fastcgi.conf} set them, plus what PHP needs: SCRIPT_FILENAME, SCRIPT_NAME, PATH_INFO (when not
 * empty), DOCUMENT_ROOT, DOCUMENT_URI, REQUEST_URI (as the client sent it), REQUEST_METHOD,
 * QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, SERVER_NAME (the requested host), SERVER_ADDR,
 * SERVER_PORT, SERVER_PROTOCOL, SERVER_SOFTWARE, GATEWAY_INTERFACE, REQUEST_SCHEME, HTTPS=on over TLS,
 * REMOTE_ADDR, REMOTE_PORT, REMOTE_USER and AUTH_TYPE when the route's basic auth let the request in,
 * REDIRECT_STATUS=200 (PHP's {@code cgi.force_redirect}), and {@code HTTP_*} for each request header.
 *
 * <p>Header rules: the name is upper-cased with {@code -} made {@code _}; repeated headers are joined
 * with {@code ", "} (Cookie with {@code "; "}). Never passed: {@code Proxy} (httpoxy: PHP libraries read
 * HTTP_PROXY as their proxy setting), names holding {@code _} (they would collide with the {@code -}
 * spelling, so a client could forge a header another proxy set; nginx drops them too), Content-Type and
 * Content-Length (CONTENT_TYPE and CONTENT_LENGTH say them), and Transfer-Encoding (the body arrives
 * de-chunked with its length). Runs on the event loop.
 */
final class CgiParams {
    static final String SOFTWARE = "engawa";
    private static final AsciiString PROXY = AsciiString.cached("proxy");

    private CgiParams() {
    }

    /**
     * The PARAMS stream of one request, records and end of stream included, after BEGIN_REQUEST.
     *
     * @param contentLength the body length PHP will read from STDIN, or -1 for a request without a body
     * @param authenticated true when a basic auth guard checked the request's credentials
     */
    static ByteBuf encode(ByteBufAllocator alloc, HttpExchange ex, ScriptLocator.Script script, String documentRoot,
                          long contentLength, boolean authenticated) {
        ByteBuf pairs = alloc.heapBuffer(1024);
        try {
            write(new Pairs(pairs), ex, script, documentRoot, contentLength, authenticated);
            ByteBuf out = alloc.ioBuffer(Records.HEADER_LENGTH * 3 + 8 + pairs.readableBytes() + 16);
            Records.writeBeginRequest(out);
            Records.writeStream(out, Records.PARAMS, pairs);
            Records.writeEndOfStream(out, Records.PARAMS);
            return out;
        } finally {
            pairs.release();
        }
    }

    private static void write(Pairs p, HttpExchange ex, ScriptLocator.Script script, String documentRoot,
                              long contentLength, boolean authenticated) {
        HttpRequest request = ex.request();
        HttpHeaders headers = request.headers();
        p.text("SCRIPT_FILENAME", script.filename());
        p.text("SCRIPT_NAME", script.scriptName());
        if (!script.pathInfo().isEmpty()) {
            p.text("PATH_INFO", script.pathInfo());
        }
        p.text("DOCUMENT_ROOT", documentRoot);
        p.text("DOCUMENT_URI", script.scriptName() + script.pathInfo());
        p.wire("REQUEST_URI", ex.path().raw());
        p.wire("REQUEST_METHOD", request.method().name());
        p.wire("QUERY_STRING", ex.path().query() == null ? "" : ex.path().query());
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        p.wire("CONTENT_TYPE", type == null ? "" : type);
        p.wire("CONTENT_LENGTH", contentLength < 0 ? "" : Long.toString(contentLength));
        p.wire("SERVER_NAME", serverName(headers.get(HttpHeaderNames.HOST)));
        SocketAddress local = ex.channel().localAddress();
        if (local instanceof InetSocketAddress l) {
            p.wire("SERVER_ADDR", NetUtil.toAddressString(l.getAddress()));
            p.wire("SERVER_PORT", Integer.toString(l.getPort()));
        }
        p.wire("SERVER_PROTOCOL", request.protocolVersion().text());
        p.wire("SERVER_SOFTWARE", SOFTWARE);
        p.wire("GATEWAY_INTERFACE", "CGI/1.1");
        p.wire("REQUEST_SCHEME", ex.secure() ? "https" : "http");
        if (ex.secure()) {
            p.wire("HTTPS", "on");
        }
        p.wire("REMOTE_ADDR", NetUtil.toAddressString(ex.clientAddress()));
        if (ex.channel().remoteAddress() instanceof InetSocketAddress r) {
            p.wire("REMOTE_PORT", Integer.toString(r.getPort()));
        }
        String user = authenticated ? basicUser(headers.get(HttpHeaderNames.AUTHORIZATION)) : null;
        if (user != null) {
            p.wire("AUTH_TYPE", "Basic");
            p.text("REMOTE_USER", user);
        }
        p.wire("REDIRECT_STATUS", "200");
        for (String header : headers.names()) {
            String name = metaName(header);
            if (name == null) {
                continue;
            }
            List<String> values = headers.getAll(header);
            p.wire(name, values.size() == 1 ? values.get(0)
                    : String.join(name.equals("HTTP_COOKIE") ? "; " : ", ", values));
        }
    }

    /** Writes name-value pairs: {@link #text} for decoded strings (UTF-8), {@link #wire} for bytes as received. */
    private record Pairs(ByteBuf out) {
        void text(String name, String value) {
            Records.NameValues.write(out, name, value.getBytes(StandardCharsets.UTF_8));
        }

        /** Header values and the request line are bytes Netty read one char per byte: they go back as those bytes. */
        void wire(String name, String value) {
            Records.NameValues.write(out, name, value.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** {@code HTTP_X_FOO} for {@code X-Foo}, or null for a header that is not passed. */
    static String metaName(CharSequence header) {
        if (AsciiString.contentEqualsIgnoreCase(header, PROXY)
                || AsciiString.contentEqualsIgnoreCase(header, HttpHeaderNames.CONTENT_TYPE)
                || AsciiString.contentEqualsIgnoreCase(header, HttpHeaderNames.CONTENT_LENGTH)
                || AsciiString.contentEqualsIgnoreCase(header, HttpHeaderNames.TRANSFER_ENCODING)) {
            return null;
        }
        StringBuilder b = new StringBuilder(5 + header.length()).append("HTTP_");
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '_') {
                return null;
            }
            b.append(c == '-' ? '_' : Character.toUpperCase(c));
        }
        return b.toString();
    }

    /** The host PHP sees as the server's name: the Host header without its port. */
    static String serverName(String host) {
        if (host == null) {
            return "";
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(0, close + 1) : host;
        }
        int colon = host.lastIndexOf(':');
        return (colon >= 0 ? host.substring(0, colon) : host).toLowerCase(Locale.ROOT);
    }

    /** The user of a {@code Basic} Authorization header, or null. */
    static String basicUser(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
