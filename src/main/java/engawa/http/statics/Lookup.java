package engawa.http.statics;

/**
 * What a request path names under a static root, as of {@link #checkedAt} ({@code System.nanoTime()}):
 * a file, a directory asked for without its trailing slash, nothing, or something outside the root.
 * Immutable; kept in {@link FileCache} and trusted for a second before the disk is asked again.
 */
sealed interface Lookup {

    long checkedAt();

    /** Approximate bytes this lookup holds, for the cache's bound. */
    default int weight() {
        return 128;
    }

    /** No regular file (or no index file in a directory): 404. */
    record Missing(long checkedAt) implements Lookup {
    }

    /** The path resolves (through a symbolic link) outside the root: refused with 403. */
    record Outside(long checkedAt) implements Lookup {
    }

    /** A directory named without its trailing slash: 301 to the slash form, as nginx does. */
    record Directory(long checkedAt) implements Lookup {
    }

    /**
     * A regular file to serve.
     *
     * @param contentType by the requested name's extension; every representation shares it
     * @param identity    the file itself
     * @param encoded     the precompressed siblings that exist, in the route's {@code precompressed} order
     */
    record Found(io.netty.util.AsciiString contentType, Representation identity, Representation[] encoded,
                 long checkedAt) implements Lookup {

        @Override
        public int weight() {
            int w = 256 + identity.memoryWeight();
            for (Representation r : encoded) {
                w += 128 + r.memoryWeight();
            }
            return w;
        }

        /** The representation with {@code coding}, or null. */
        Representation encoded(String coding) {
            for (Representation r : encoded) {
                if (r.coding().equals(coding)) {
                    return r;
                }
            }
            return null;
        }
    }
}
