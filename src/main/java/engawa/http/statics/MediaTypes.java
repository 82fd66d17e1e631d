package engawa.http.statics;

import io.netty.util.AsciiString;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file name extension, for the types a web site serves. Text types say
 * {@code charset=utf-8}; anything unknown is {@code application/octet-stream}. Looked up when a file is
 * (re)resolved, never per request: the result is kept in the cached entry.
 */
final class MediaTypes {
    static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");

    private static final Map<String, AsciiString> BY_EXTENSION = new HashMap<>();

    static {
        text("text/html", "html", "htm");
        text("text/css", "css");
        text("text/javascript", "js", "mjs", "cjs");
        text("text/plain", "txt", "text", "log");
        text("text/markdown", "md", "markdown");
        text("text/csv", "csv");
        text("text/xml", "xml", "xsl");
        text("text/calendar", "ics");
        text("text/vtt", "vtt");
        type("application/json", "json", "map");
        type("application/ld+json", "jsonld");
        type("application/manifest+json", "webmanifest");
        type("application/rss+xml", "rss");
        type("application/atom+xml", "atom");
        type("application/wasm", "wasm");
        type("application/pdf", "pdf");
        type("application/zip", "zip");
        type("application/gzip", "gz");
        type("application/zstd", "zst");
        type("application/x-tar", "tar");
        type("application/x-7z-compressed", "7z");
        type("application/vnd.ms-fontobject", "eot");
        type("image/svg+xml", "svg", "svgz");
        type("image/png", "png");
        type("image/apng", "apng");
        type("image/jpeg", "jpg", "jpeg");
        type("image/gif", "gif");
        type("image/webp", "webp");
        type("image/avif", "avif");
        type("image/jxl", "jxl");
        type("image/bmp", "bmp");
        type("image/tiff", "tif", "tiff");
        type("image/x-icon", "ico");
        type("font/woff", "woff");
        type("font/woff2", "woff2");
        type("font/ttf", "ttf");
        type("font/otf", "otf");
        type("video/mp4", "mp4", "m4v");
        type("video/webm", "webm");
        type("video/ogg", "ogv");
        type("video/quicktime", "mov");
        type("audio/mpeg", "mp3");
        type("audio/ogg", "ogg", "oga", "opus");
        type("audio/wav", "wav");
        type("audio/flac", "flac");
        type("audio/mp4", "m4a");
        type("audio/aac", "aac");
    }

    private MediaTypes() {
    }

    private static void text(String type, String... extensions) {
        type(type + "; charset=utf-8", extensions);
    }

    private static void type(String type, String... extensions) {
        AsciiString value = AsciiString.cached(type);
        for (String e : extensions) {
            BY_EXTENSION.put(e, value);
        }
    }

    /** The type of {@code fileName} by its extension (case-insensitive), or {@link #OCTET_STREAM}. */
    static AsciiString of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return OCTET_STREAM;
        }
        AsciiString t = BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        return t == null ? OCTET_STREAM : t;
    }
}
