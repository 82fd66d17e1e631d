package engawa.cutover;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import engawa.config.Names;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * The wire-level probes checks are made of: one DNS query (dnsjava, UDP with TCP on truncation), one TLS
 * handshake with SNI (the JDK's client; the chain is judged by {@link #verify}, not by the handshake), one
 * HTTP/1.1 request over a fresh connection with the Host of the name under test. Each talks to the address it
 * is given, never to what the name resolves to elsewhere. Blocking; thread-safe.
 */
final class Probes {
    private static final int MAX_BODY = 1 << 20;

    private Probes() {
    }

    static Message dns(InetSocketAddress server, String name, int type, Duration timeout) throws IOException {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(timeout);
        Message q = Message.newQuery(Record.newRecord(Name.fromString(Names.absolute(name)), type, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        return r.send(q);
    }

    /** The chain the server sends for SNI {@code host}, whatever it is (judge it with {@link #verify}). */
    static List<X509Certificate> handshake(InetSocketAddress address, String host, Duration timeout) throws IOException {
        try (SSLSocket s = tlsSocket(address, host, timeout)) {
            s.startHandshake();
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : s.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return chain;
        }
    }

    /**
     * Why {@code chain} is not a valid certificate for {@code host} now, chaining to one of {@code anchors};
     * null when it is.
     */
    static String verify(List<X509Certificate> chain, String host, Collection<X509Certificate> anchors) {
        if (chain.isEmpty()) {
            return "no certificate";
        }
        X509Certificate leaf = chain.get(0);
        List<String> names = dnsNames(leaf);
        if (names.stream().noneMatch(n -> Names.covers(n, host))) {
            return "the certificate covers " + names + ", not " + host;
        }
        try {
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return "the certificate is not valid now (" + leaf.getNotBefore() + " to " + leaf.getNotAfter() + ")";
        }
        if (anchors == null) {
            return null;
        }
        if (anchors.isEmpty()) {
            return "no CA to check the certificate against";
        }
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            anchors.forEach(a -> trust.add(new TrustAnchor(a, null)));
            List<X509Certificate> path = chain.stream().filter(c -> !anchors.contains(c)).toList();
            PKIXParameters p = new PKIXParameters(trust);
            p.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), p);
            return null;
        } catch (GeneralSecurityException e) {
            return "the certificate does not chain to " + anchors.stream().map(a -> a.getSubjectX500Principal().getName()).toList()
                    + ": " + e.getMessage();
        }
    }

    static List<String> dnsNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        out.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // No readable names: the caller reports that it covers nothing.
        }
        return out;
    }

    /** An HTTP response as a check sees it: status, headers (lower-case names), body (first MiB). */
    record HttpResult(int status, Map<String, List<String>> headers, String body) {
    }

    /** GET {@code url} at {@code address} (http or https by the URL), with the URL's host as Host and SNI. */
    static HttpResult get(InetSocketAddress address, URI url, Duration timeout) throws IOException {
        boolean tls = url.getScheme().equals("https");
        String host = url.getHost();
        String hostHeader = url.getPort() < 0 ? host : host + ":" + url.getPort();
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        try (Socket s = tls ? tlsSocket(address, host, timeout) : plainSocket(address, timeout)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: engawa-cutover\r\n"
                    + "Accept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(s.getInputStream());
        }
    }

    private static HttpResult parse(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: \"" + statusLine + "\"");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean chunked = headers.getOrDefault("transfer-encoding", List.of()).stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
        List<String> length = headers.get("content-length");
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0; size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                copy(in, body, size);
                line(in);
            }
        } else if (length != null) {
            copy(in, body, Long.parseLong(length.get(0)));
        } else {
            copy(in, body, Long.MAX_VALUE);
        }
        return new HttpResult(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                return;
            }
            if (out.size() < MAX_BODY) {
                out.write(buf, 0, Math.min(r, MAX_BODY - out.size()));
            }
            n -= r;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 16384) {
                throw new IOException("response line too long");
            }
        }
        return b.toString();
    }

    private static Socket plainSocket(InetSocketAddress address, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static SSLSocket tlsSocket(InetSocketAddress address, String sni, Duration timeout) throws IOException {
        Socket plain = plainSocket(address, timeout);
        try {
            SSLSocket s = (SSLSocket) CLIENT.getSocketFactory().createSocket(plain, sni, address.getPort(), true);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            p.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(p);
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Takes any chain: probes report what the server sends, and {@link #verify} judges it. */
    private static final SSLContext CLIENT = client();

    private static SSLContext client() {
        TrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {any}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS client in this JDK", e);
        }
    }
}
