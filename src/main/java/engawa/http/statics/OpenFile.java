package engawa.http.statics;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An open file, shared by whoever holds a reference: the cache entries that describe it, and the pieces
 * of responses that send it (one per range). Closed when the last reference is released. Reads are
 * positional, so any number of responses, on any event loop, may send from it at once. Thread-safe.
 */
final class OpenFile extends AbstractReferenceCounted {
    /** The cache weight of keeping one file open: bounds the descriptors one route's cache holds. */
    static final int CACHE_WEIGHT = 16 * 1024;

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

    /**
     * Takes a reference unless the file was closed meanwhile (a cache entry replaced on another event
     * loop released the last one); the caller then opens the file afresh.
     */
    boolean tryRetain() {
        try {
            retain();
            return true;
        } catch (IllegalReferenceCountException e) {
            return false;
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
