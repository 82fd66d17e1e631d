package engawa.http.statics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;
import java.io.EOFException;

/**
 * A range of an {@link OpenFile} read in chunks for connections that cannot use sendfile (TLS, which must
 * encrypt the bytes; HTTP/2, which frames them): written through the pipeline's {@code ChunkedWriteHandler},
 * which reads the next chunk only while the connection is writable. Chunks are {@link HttpContent}, which
 * every HTTP codec takes. Positional reads, so ranges of one file can share it. A
 * file that shrank while being sent fails the write (the connection is then closed) rather than sending
 * fewer bytes than Content-Length promised. Runs on the event loop.
 */
final class FileChunks implements ChunkedInput<HttpContent> {
    static final int CHUNK_SIZE = 32 * 1024;

    private final OpenFile file;
    private final long start;
    private final long end;
    private long offset;
    private boolean closed;

    FileChunks(OpenFile file, long position, long count) {
        this.file = file;
        this.start = position;
        this.end = position + count;
        this.offset = position;
        file.retain();
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= end;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            file.release();
        }
    }

    @Deprecated
    @Override
    public HttpContent readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) throws Exception {
        if (offset >= end) {
            return null;
        }
        int n = (int) Math.min(CHUNK_SIZE, end - offset);
        ByteBuf buf = allocator.ioBuffer(n);
        try {
            int read = 0;
            while (read < n) {
                int r = buf.writeBytes(file.channel(), offset + read, n - read);
                if (r < 0) {
                    throw new EOFException("file shrank while being sent: " + (offset + read) + " of " + end + " bytes");
                }
                read += r;
            }
            offset += n;
            HttpContent out = new DefaultHttpContent(buf);
            buf = null;
            return out;
        } finally {
            if (buf != null) {
                buf.release();
            }
        }
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public long progress() {
        return offset - start;
    }
}
