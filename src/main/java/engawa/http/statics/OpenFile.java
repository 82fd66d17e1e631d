package engawa.http.statics;

import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file opened for one response, shared by the pieces that send it (one per range) and closed when the
 * last of them is released. The opener holds the first reference and releases it once the pieces are
 * queued. Released on the connection's event loop.
 */
final class OpenFile extends AbstractReferenceCounted {
    private final FileChannel channel;

    private OpenFile(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code path} for reading; null when it cannot be opened (gone since it was looked up). */
    static OpenFile open(Path path) {
        try {
            return new OpenFile(FileChannel.open(path, StandardOpenOption.READ));
        } catch (IOException e) {
            return null;
        }
    }

    FileChannel channel() {
        return channel;
    }

    /** The file's length now, -1 when it cannot be read. */
    long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    protected void deallocate() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through it; a failed close of a read-only file loses nothing.
        }
    }

    @Override
    public OpenFile touch(Object hint) {
        return this;
    }
}
