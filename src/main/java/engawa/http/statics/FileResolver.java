package engawa.http.statics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Asks the disk what a request path names under a static root, never leaving the root: every candidate's
 * real path (symbolic links followed) must lie inside the root's real path, taken afresh each time (so
 * a root that is itself a symbolic link, switched by a deploy, is followed). Only regular files are
 * served; a FIFO or device is missing, since reading one would block the event loop.
 *
 * <p>A value: two routes (or two revisions of one) with the same root, prefix length, index files,
 * codings and memory threshold are equal, and share {@link FileCache} entries. Immutable and thread-safe.
 * Runs on the event loop when the cache misses or revalidates (a few stat calls, and one read of a small
 * file), as nginx does without aio.
 */
final class FileResolver {
    /** Stands for a real path outside the root (compared by identity). */
    private static final Path OUTSIDE = Path.of("/");

    private final Path root;
    private final int cut;
    private final List<String> index;
    private final List<String> precompressed;
    private final int maxInMemory;
    private final int hash;

    /**
     * @param cut           the length of the route's prefix without its trailing slash: what to strip
     * @param precompressed codings in preference order ({@code br}, {@code gzip}, {@code zstd})
     * @param maxInMemory   files up to this size are read into memory; larger ones are sent from disk
     */
    FileResolver(Path root, int cut, List<String> index, List<String> precompressed, int maxInMemory) {
        this.root = root.toAbsolutePath().normalize();
        this.cut = cut;
        this.index = List.copyOf(index);
        this.precompressed = List.copyOf(precompressed);
        this.maxInMemory = maxInMemory;
        this.hash = Objects.hash(this.root, cut, this.index, this.precompressed, maxInMemory);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof FileResolver r && hash == r.hash && cut == r.cut && maxInMemory == r.maxInMemory
                && root.equals(r.root) && index.equals(r.index) && precompressed.equals(r.precompressed));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * Resolves a request path of the route, whose prefix ends at a segment boundary. Representations of
     * {@code previous} that still describe the same file are reused, with the bytes they hold.
     */
    Lookup resolve(String path, Lookup previous, long now) {
        // What lies below the root: empty for the route's own path without its slash, else "/..."
        // ("/", "/css/app.css", "/docs/").
        String key = path.length() <= cut ? "" : path.substring(cut);
        Path rootReal;
        try {
            rootReal = root.toRealPath();
        } catch (IOException e) {
            return new Lookup.Missing(now);
        }
        boolean slash = key.endsWith("/");
        Path candidate;
        try {
            candidate = key.length() <= 1 ? root : root.resolve(key.substring(1));
        } catch (InvalidPathException e) {
            // Not a name this file system (or the JVM's file name encoding) can hold.
            return new Lookup.Missing(now);
        }
        Path real = confine(candidate, rootReal);
        if (real == null) {
            return new Lookup.Missing(now);
        }
        if (real == OUTSIDE) {
            return new Lookup.Outside(now);
        }
        BasicFileAttributes attrs = attributes(real);
        if (attrs == null) {
            return new Lookup.Missing(now);
        }
        Lookup.Found old = previous instanceof Lookup.Found f ? f : null;
        if (attrs.isDirectory()) {
            if (!slash) {
                return new Lookup.Directory(now);
            }
            for (String name : index) {
                Path file = candidate.resolve(name);
                Path fileReal = confine(file, rootReal);
                if (fileReal == OUTSIDE) {
                    return new Lookup.Outside(now);
                }
                BasicFileAttributes a = fileReal == null ? null : attributes(fileReal);
                if (a != null && a.isRegularFile()) {
                    return found(file, fileReal, a, rootReal, old, now);
                }
            }
            return new Lookup.Missing(now);
        }
        if (!attrs.isRegularFile() || slash) {
            return new Lookup.Missing(now);
        }
        return found(candidate, real, attrs, rootReal, old, now);
    }

    /** The real path of {@code p}: null when it does not exist, {@link #OUTSIDE} when it is outside the root. */
    private static Path confine(Path p, Path rootReal) {
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException | SecurityException e) {
            return null;
        }
        return real.startsWith(rootReal) ? real : OUTSIDE;
    }

    private static BasicFileAttributes attributes(Path real) {
        try {
            return Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    private Lookup.Found found(Path requested, Path real, BasicFileAttributes attrs, Path rootReal, Lookup.Found old, long now) {
        Representation identity = representation(null, real, attrs, old == null ? null : old.identity());
        List<Representation> encoded = new ArrayList<>(precompressed.size());
        for (String coding : precompressed) {
            Path sibling = requested.resolveSibling(requested.getFileName() + extension(coding));
            Path siblingReal = confine(sibling, rootReal);
            if (siblingReal == null || siblingReal == OUTSIDE) {
                continue;
            }
            BasicFileAttributes a = attributes(siblingReal);
            if (a != null && a.isRegularFile()) {
                encoded.add(representation(coding, siblingReal, a, old == null ? null : old.encoded(coding)));
            }
        }
        AsciiString type = MediaTypes.of(requested.getFileName().toString());
        return new Lookup.Found(type, identity, encoded.toArray(new Representation[0]), now);
    }

    private static String extension(String coding) {
        return switch (coding) {
            case "br" -> ".br";
            case "gzip" -> ".gz";
            case "zstd" -> ".zst";
            default -> throw new IllegalArgumentException("unknown coding " + coding);
        };
    }

    private Representation representation(String coding, Path real, BasicFileAttributes attrs, Representation previous) {
        long size = attrs.size();
        long mtimeMicros = attrs.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        if (previous != null && previous.size() == size && previous.mtimeMicros() == mtimeMicros
                && previous.path().equals(real) && (previous.file() == null || previous.file().tryRetain())) {
            // Unchanged: the new entry shares the bytes, and holds its own reference to the open file.
            return previous;
        }
        long mtimeMillis = attrs.lastModifiedTime().toMillis();
        String tag = "\"" + Long.toHexString(mtimeMicros) + "-" + Long.toHexString(size)
                + (coding == null ? "" : "-" + coding) + "\"";
        ByteBuf content = size <= maxInMemory ? read(real, (int) size) : null;
        OpenFile file = content == null ? openChecked(real, size) : null;
        return new Representation(coding, coding == null ? null : AsciiString.cached(coding), real, size, mtimeMicros,
                AsciiString.cached(tag), HttpDates.format(mtimeMillis), Math.floorDiv(mtimeMillis, 1000),
                AsciiString.cached(Long.toString(size)), content, file);
    }

    /** The file opened, or null when it cannot be or is no longer {@code size} bytes long (being replaced). */
    private static OpenFile openChecked(Path real, long size) {
        OpenFile file = OpenFile.open(real);
        if (file != null && file.size() != size) {
            file.release();
            return null;
        }
        return file;
    }

    /**
     * The whole file in a direct buffer shared by every response (read-only, release ignored: the garbage
     * collector frees it with the cache entry), or null when it is not {@code size} bytes long any more.
     */
    private static ByteBuf read(Path real, int size) {
        if (size == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(size);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    return null;
                }
            }
            if (ch.size() != size) {
                return null;
            }
            return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(buf.flip()).asReadOnly());
        } catch (IOException e) {
            return null;
        }
    }
}
