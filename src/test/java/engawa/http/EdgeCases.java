package engawa.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests the edge must refuse, each with the exact status it answers before closing: malformed input,
 * smuggling attempts and limits, for {@link EdgeFixture} with {@link #LIMITS}. Shared by the socket test,
 * the in-memory test and the fuzz corpus (the fuzz tests' seed files hold the same bytes).
 */
final class EdgeCases {
    /** The {@code http:} settings the cases assume. */
    static final String LIMITS = "{max_request_line: 1KiB, max_header_size: 2KiB, max_body: 1KiB}";

    record Case(String name, int status, String raw) {
        byte[] bytes() {
            return raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return status + " " + name;
        }
    }

    private static final String H = "Host: a.test\r\n";
    private static final String POST = "POST /echo/ HTTP/1.1\r\n" + H;
    private static final String CHUNKED = POST + "Transfer-Encoding: chunked\r\n\r\n";

    private EdgeCases() {
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        // Request line.
        c.add(new Case("HTTP/0.9 request line", 400, "GET /\r\n\r\n"));
        c.add(new Case("two spaces after the method", 400, "GET  / HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("space after the version", 400, "GET / HTTP/1.1 \r\n" + H + "\r\n"));
        c.add(new Case("tab as separator", 400, "GET\t/ HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("lower-case version", 400, "GET / http/1.1\r\n" + H + "\r\n"));
        c.add(new Case("two-digit minor version", 400, "GET / HTTP/1.10\r\n" + H + "\r\n"));
        c.add(new Case("control character in the target", 400, "GET /a\u0001b HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("non-ASCII byte in the target", 400, "GET /caf\u00e9 HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("bare CR in the request line", 400, "GET /a\rb HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("invalid method character", 400, "G@T / HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("TLS handshake on the plain port", 400, "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003"));
        c.add(new Case("too many empty lines first", 400, "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n"));
        // Header syntax.
        c.add(new Case("header without colon", 400, "GET / HTTP/1.1\r\n" + H + "X-A 1\r\n\r\n"));
        c.add(new Case("whitespace before the colon", 400, "GET / HTTP/1.1\r\nHost : a.test\r\n\r\n"));
        c.add(new Case("obs-fold", 400, "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n 2\r\n\r\n"));
        c.add(new Case("obs-fold with a tab", 400, "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n\t2\r\n\r\n"));
        c.add(new Case("whitespace line after the request line", 400, "GET / HTTP/1.1\r\n " + H + "\r\n"));
        c.add(new Case("bare CR in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: 1\r2\r\n\r\n"));
        c.add(new Case("bare LF line ends", 400, "GET / HTTP/1.1\nHost: a.test\n\n"));
        c.add(new Case("bare LF in the header section", 400, "GET / HTTP/1.1\r\n" + H + "X-A: 1\nX-B: 2\r\n\r\n"));
        c.add(new Case("NUL in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\u0000b\r\n\r\n"));
        c.add(new Case("DEL in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\u007fb\r\n\r\n"));
        c.add(new Case("ESC in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\u001bb\r\n\r\n"));
        c.add(new Case("non-token header name", 400, "GET / HTTP/1.1\r\n" + H + "X(A): 1\r\n\r\n"));
        // Host.
        c.add(new Case("missing Host on HTTP/1.1", 400, "GET / HTTP/1.1\r\n\r\n"));
        c.add(new Case("repeated Host", 400, "GET / HTTP/1.1\r\n" + H + H + "\r\n"));
        c.add(new Case("Host with a path", 400, "GET / HTTP/1.1\r\nHost: a.test/x\r\n\r\n"));
        c.add(new Case("Host with a space", 400, "GET / HTTP/1.1\r\nHost: a test\r\n\r\n"));
        c.add(new Case("Host with userinfo", 400, "GET / HTTP/1.1\r\nHost: u@a.test\r\n\r\n"));
        c.add(new Case("Host with a bad port", 400, "GET / HTTP/1.1\r\nHost: a.test:80x\r\n\r\n"));
        c.add(new Case("Host with an unclosed IPv6 literal", 400, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"));
        c.add(new Case("empty Host", 400, "GET / HTTP/1.1\r\nHost:\r\n\r\n"));
        // Smuggling: Content-Length and Transfer-Encoding.
        c.add(new Case("Content-Length and Transfer-Encoding", 400,
                POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.add(new Case("Transfer-Encoding and Content-Length", 400,
                POST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"));
        c.add(new Case("repeated Content-Length, same value", 400, POST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
        c.add(new Case("repeated Content-Length on HTTP/1.0", 400,
                "POST /echo/ HTTP/1.0\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello12"));
        c.add(new Case("Content-Length list", 400, POST + "Content-Length: 5, 5\r\n\r\nhello"));
        c.add(new Case("Content-Length with a plus sign", 400, POST + "Content-Length: +5\r\n\r\nhello"));
        c.add(new Case("Content-Length with a trailing letter", 400, POST + "Content-Length:  5x\r\n\r\nhello"));
        c.add(new Case("negative Content-Length", 400, POST + "Content-Length: -1\r\n\r\n"));
        c.add(new Case("hexadecimal Content-Length", 400, POST + "Content-Length: 0x5\r\n\r\nhello"));
        c.add(new Case("Content-Length with inner space", 400, POST + "Content-Length: 5 5\r\n\r\nhello"));
        c.add(new Case("empty Content-Length", 400, POST + "Content-Length:\r\n\r\n"));
        c.add(new Case("chunked not last", 400, POST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"));
        c.add(new Case("chunked twice", 400, POST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"));
        c.add(new Case("chunked twice in two fields", 400,
                POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.add(new Case("Transfer-Encoding on HTTP/1.0", 400,
                "POST /echo/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.add(new Case("empty Transfer-Encoding", 400, POST + "Transfer-Encoding:\r\n\r\n"));
        c.add(new Case("quote in Transfer-Encoding", 400, POST + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"));
        // Smuggling: chunked framing.
        c.add(new Case("non-hex chunk size", 400, CHUNKED + "zz\r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("0x chunk size", 400, CHUNKED + "0x5\r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("chunk size after a space", 400, CHUNKED + " 5\r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("chunk size with trailing space", 400, CHUNKED + "5 \r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("empty chunk size", 400, CHUNKED + "\r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("control character in a chunk extension", 400, CHUNKED + "5;a=\u0001\r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("bare LF after a chunk size", 400, CHUNKED + "5\nhello\r\n0\r\n\r\n"));
        c.add(new Case("chunk longer than its size", 400, CHUNKED + "5\r\nhelloX\r\n0\r\n\r\n"));
        c.add(new Case("chunk ended by a bare LF", 400, CHUNKED + "5\r\nhello\n0\r\n\r\n"));
        c.add(new Case("obs-fold in trailers", 400, CHUNKED + "5\r\nhello\r\n0\r\nX-T: 1\r\n 2\r\n\r\n"));
        c.add(new Case("bare LF in trailers", 400, CHUNKED + "5\r\nhello\r\n0\r\nX-T: 1\n\r\n"));
        // Sizes.
        c.add(new Case("declared body over max_body", 413, POST + "Content-Length: 2000\r\n\r\n"));
        c.add(new Case("chunked body over max_body", 413,
                CHUNKED + "400\r\n" + "x".repeat(1024) + "\r\n10\r\n" + "y".repeat(16) + "\r\n0\r\n\r\n"));
        c.add(new Case("Content-Length beyond 64 bits", 413, POST + "Content-Length: 99999999999999999999999\r\n\r\n"));
        c.add(new Case("chunk size beyond 31 bits", 413, CHUNKED + "80000000\r\nhello\r\n0\r\n\r\n"));
        c.add(new Case("request line over max_request_line", 414, "GET /" + "a".repeat(1100) + " HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("headers over max_header_size", 431, "GET / HTTP/1.1\r\n" + H + "X-A: " + "b".repeat(1100) + "\r\nX-B: "
                + "c".repeat(1100) + "\r\n\r\n"));
        c.add(new Case("trailers over max_header_size", 431,
                CHUNKED + "5\r\nhello\r\n0\r\nX-T: " + "t".repeat(2100) + "\r\n\r\n"));
        // Not implemented, not supported.
        c.add(new Case("gzip transfer coding", 501, POST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));
        c.add(new Case("gzip alone", 501, POST + "Transfer-Encoding: gzip\r\n\r\nhello"));
        c.add(new Case("chunked with parameters", 501, POST + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n"));
        c.add(new Case("CONNECT to a host", 501, "CONNECT a.test:443 HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("CONNECT to a path", 501, "CONNECT /echo/ HTTP/1.1\r\n" + H + "\r\n"));
        c.add(new Case("HTTP/2.0 request line", 505, "GET / HTTP/2.0\r\n" + H + "\r\n"));
        c.add(new Case("HTTP/2 prior-knowledge preface", 505, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        c.add(new Case("HTTP/1.2", 505, "GET / HTTP/1.2\r\n" + H + "\r\n"));
        c.add(new Case("HTTP/0.9 as a version", 505, "GET / HTTP/0.9\r\n" + H + "\r\n"));
        return c;
    }

    /** Well-formed keep-alive traffic in one piece: six requests, every framing, the last closing. */
    static final String GOOD_PIPELINE = "GET /echo/a HTTP/1.1\r\n" + H + "\r\n"
            + "POST /echo/b HTTP/1.1\r\n" + H + "Content-Length: 5\r\n\r\nhello"
            + "POST /echo/c HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
            + "5;name=\"v a\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "HEAD /echo/d HTTP/1.1\r\nhost: A.Test:80\r\ncontent-length: 0\r\n\r\n"
            + "GET /r?x=1 HTTP/1.1\r\n" + H + "X-Obs: caf\u00e9\tok \r\n\r\n"
            + "\r\nGET /echo/e HTTP/1.0\r\nConnection: close\r\n\r\n";

    static final List<Integer> GOOD_STATUSES = List.of(200, 200, 200, 200, 301, 404);
}
