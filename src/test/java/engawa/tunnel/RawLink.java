package engawa.tunnel;

import engawa.testing.Examples;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A tunnel link spoken by hand, for the bad-input tests: TLS 1.3 to the edge's tunnel listener, then
 * whatever bytes a test wants to send (a proper or broken hello, HTTP/2 frames of any size), and frame-level
 * reading of what comes back.
 */
final class RawLink implements AutoCloseable {
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;

    final SSLSocket socket;
    final DataInputStream in;
    private volatile boolean stopReading;
    final OutputStream out;

    private RawLink(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawLink open(int port) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream ca = java.nio.file.Files.newInputStream(Examples.dir().resolve("certs/ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("tunnel.example.test")));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return new RawLink(s);
    }

    /** A well-formed hello carrying {@code json}. */
    void hello(String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(TunnelProtocol.MAGIC);
        o.write(TunnelProtocol.VERSION);
        o.write(b.length >>> 8);
        o.write(b.length);
        o.write(b);
        send(o.toByteArray());
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The edge's handshake answer as JSON text. */
    String reply() throws IOException {
        int n = in.readUnsignedShort();
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Reads the edge's connection preface ("PRI * HTTP/2.0..."), which follows an accepted hello. */
    void readPreface() throws IOException {
        byte[] b = new byte[24];
        in.readFully(b);
        if (!new String(b, StandardCharsets.ISO_8859_1).startsWith("PRI * HTTP/2.0")) {
            throw new IOException("no HTTP/2 preface: " + new String(b, StandardCharsets.ISO_8859_1));
        }
    }

    /** An HTTP/2 frame with a payload of {@code length} zero bytes (the header may claim any length). */
    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int n = payload.length;
        o.write(n >>> 16);
        o.write(n >>> 8);
        o.write(n);
        o.write(type);
        o.write(flags);
        o.write(stream >>> 24);
        o.write(stream >>> 16);
        o.write(stream >>> 8);
        o.write(stream);
        o.write(payload);
        send(o.toByteArray());
    }

    /** Only a frame header, declaring {@code length} bytes of payload that never come. */
    void frameHeader(int type, int flags, int stream, int length) throws IOException {
        send(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
    }

    /** The empty SETTINGS frame a tunnel client (the HTTP/2 server) starts with. */
    void settings() throws IOException {
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    /** One frame read from the edge. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        /** A GOAWAY's error code. */
        int rstCode() {
            return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        }

        int errorCode() {
            return ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
        }
    }

    Frame readFrame() throws IOException {
        int n = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[n];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload);
    }

    /** Reads frames until a GOAWAY (returned) or the end of the connection (null). */
    Frame untilGoAway() throws IOException {
        return until(f -> f.type() == GOAWAY);
    }

    /** Reads frames until one matches (returned) or the connection ends (null). */
    Frame until(java.util.function.Predicate<Frame> wanted) throws IOException {
        try {
            while (true) {
                Frame f = readFrame();
                if (wanted.test(f)) {
                    return f;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
    }

    /**
     * Reads every frame on a thread of its own, answering PINGs (so the edge sees a live client) but
     * never granting window: the client of a stream whose reader has stopped. Frames are kept.
     */
    ConcurrentLinkedQueue<Frame> readAndAckPings() {
        ConcurrentLinkedQueue<Frame> seen = new ConcurrentLinkedQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!stopReading) {
                    Frame f = readFrame();
                    if (stopReading) {
                        return;
                    }
                    seen.add(f);
                    if (f.type() == PING && (f.flags() & 1) == 0) {
                        synchronized (this) {
                            frame(PING, 1, 0, f.payload());
                        }
                    } else if (f.type() == SETTINGS && (f.flags() & 1) == 0) {
                        synchronized (this) {
                            frame(SETTINGS, 1, 0, new byte[0]);
                        }
                    }
                }
            } catch (IOException e) {
                // The link ended.
            }
        });
        return seen;
    }

    /** The reader thread stops: nothing more is read from the link, no PING answered. */
    void stopReading() {
        stopReading = true;
    }

    /** True when the edge has closed the connection (a read hits the end). */
    boolean closedByEdge() {
        try {
            socket.setSoTimeout(20_000);
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (IOException e) {
            return e instanceof java.net.SocketException || e instanceof EOFException;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
