package engawa.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A minimal RFC 6455 client over a plain socket, for tests: sends the opening handshake with a chosen Host,
 * masked frames, and reads unmasked frames back.
 */
final class WebSocketProbe implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Random random = new Random(1);

    private WebSocketProbe(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static WebSocketProbe open(String address, int port, String host, String path) throws IOException {
        Socket s = new Socket(address, port);
        s.setSoTimeout(30_000);
        WebSocketProbe p = new WebSocketProbe(s);
        p.out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        p.out.flush();
        return p;
    }

    /** The response head, up to the blank line. */
    String handshake() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    void sendText(String s) throws IOException {
        send(1, s.getBytes(StandardCharsets.UTF_8));
    }

    void sendBinary(byte[] b) throws IOException {
        send(2, b);
    }

    private void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65536) {
            f.write(0x80 | 126);
            f.write(n >>> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) n >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    String readText() throws IOException {
        return new String(read(1), StandardCharsets.UTF_8);
    }

    byte[] readBinary() throws IOException {
        return read(2);
    }

    private byte[] read(int expectedOpcode) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long n = b1 & 0x7f;
            if (n == 126) {
                n = in.readUnsignedShort();
            } else if (n == 127) {
                n = in.readLong();
            }
            byte[] payload = new byte[(int) n];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode != 0 && opcode != expectedOpcode) {
                throw new IOException("expected opcode " + expectedOpcode + ", got " + opcode);
            }
            message.write(payload);
            if ((b0 & 0x80) != 0) {
                return message.toByteArray();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
