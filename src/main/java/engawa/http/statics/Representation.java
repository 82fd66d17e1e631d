package engawa.http.statics;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.file.Path;

/**
 * One file that can answer a request: the file itself, or a precompressed sibling ({@code app.css.br}).
 * Header values are computed once, when the file is (re)resolved, so a request only copies them.
 * Immutable and shared by every event loop.
 *
 * @param coding          the content coding ({@code br}, {@code gzip}, {@code zstd}), null for the file itself
 * @param contentEncoding the Content-Encoding value, null for the file itself
 * @param path            the file's real path (inside the root)
 * @param size            its length in bytes
 * @param mtimeMicros     its modification time, the other half of the ETag
 * @param etag            strong, quoted: {@code "<mtime>-<size>[-<coding>]"} in hex
 * @param lastModified    the Last-Modified value (IMF-fixdate)
 * @param lastModifiedSeconds the same in seconds since the epoch, for date comparisons
 * @param contentLength   {@code size} as a header value
 * @param content         the whole file when small, else null (served from disk): a read-only direct buffer
 *                        that ignores release; each response sends a duplicate of it
 * @param file            when not in memory, the file kept open (as nginx's {@code open_file_cache} does), or
 *                        null when it could not be; each {@link Lookup.Found} holding this representation
 *                        holds one reference to it
 */
record Representation(String coding, AsciiString contentEncoding, Path path, long size, long mtimeMicros,
                      AsciiString etag, AsciiString lastModified, long lastModifiedSeconds, AsciiString contentLength,
                      ByteBuf content, OpenFile file) {

    /**
     * What this representation costs the cache: the bytes it keeps in memory, and for an open file a
     * share that bounds how many descriptors one cache keeps open.
     */
    int memoryWeight() {
        return (content == null ? 0 : content.capacity()) + (file == null ? 0 : OpenFile.CACHE_WEIGHT);
    }
}
