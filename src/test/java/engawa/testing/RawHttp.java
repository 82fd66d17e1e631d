package engawa.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes no well-behaved client would and reads what comes back, for edge cases (smuggling, bad
 * framing, pipelining). Reads until the server closes or {@code timeoutMillis} of silence.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public static String exchange(int port, String request, int timeoutMillis) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String exchange(int port, String request) {
        return exchange(port, request, 2000);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // Silence: the server keeps the connection open; what arrived is the answer.
        } catch (java.net.SocketException e) {
            // Reset after the answer: keep what arrived.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status codes of every response in {@code raw}, in order. */
    public static java.util.List<Integer> statuses(String raw) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        var m = java.util.regex.Pattern.compile("(?m)^HTTP/1\\.[01] (\\d{3}) ").matcher(raw);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    /** What came back on one connection, and whether the server closed it rather than falling silent. */
    public record Reply(String text, boolean closed) {
        public java.util.List<Integer> statuses() {
            return RawHttp.statuses(text);
        }
    }

    /** Sends {@code request} as given and reads until the server closes or {@code timeoutMillis} of silence. */
    public static Reply send(int port, byte[] request, int timeoutMillis) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until end of stream, reset (both count as closed) or a read timeout (not closed). */
    public static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean closed = true;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (java.net.SocketException e) {
            // Reset after the answer: keep what arrived.
        }
        return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed);
    }
}
