package engawa.tunnel.client;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** The first {@code cap} bytes of a body, and how long it was in all; for the inspector. Single-threaded. */
final class BodyCapture {
    private final int cap;
    private byte[] bytes = new byte[0];
    private int kept;
    private long total;

    BodyCapture(int cap) {
        this.cap = cap;
    }

    void add(ByteBuf data) {
        int n = data.readableBytes();
        total += n;
        int take = Math.min(n, cap - kept);
        if (take > 0) {
            if (kept + take > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(cap, Math.max(kept + take, bytes.length * 2)));
            }
            data.getBytes(data.readerIndex(), bytes, kept, take);
            kept += take;
        }
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, kept);
    }

    long total() {
        return total;
    }

    /** True when the body was longer than what was kept. */
    boolean cut() {
        return total > kept;
    }
}
