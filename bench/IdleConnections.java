import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N keep-alive connections to 127.0.0.1:PORT, makes one request on each (so the server has set the
 * connection up fully, as a browser would), prints "ready N" and then holds them open, idle, until its
 * standard input closes. Run as a single-file program: {@code java bench/IdleConnections.java PORT N PATH}.
 */
public final class IdleConnections {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        byte[] request = ("GET " + args[2] + " HTTP/1.1\r\nHost: www.example.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Socket> open = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(16 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            readResponse(s.getInputStream());
            open.add(s);
        }
        System.out.println("ready " + open.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Holds the connections until the caller closes our standard input.
        }
        for (Socket s : open) {
            s.close();
        }
    }

    /** Reads one response with a Content-Length body. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the response head ended");
            }
            head.append((char) b);
        }
        long length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).strip());
            }
        }
        in.readNBytes((int) length);
    }
}
