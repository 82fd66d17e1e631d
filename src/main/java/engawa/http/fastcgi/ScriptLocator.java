package engawa.http.fastcgi;

import engawa.http.RequestPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Maps a request path of a {@code fastcgi} route to what answers it, the way nginx's usual PHP setup
 * does ({@code fastcgi_split_path_info ^(.+?\.php)(/.*)$}, {@code try_files $uri =404}, alias
 * semantics), without asking PHP-FPM anything:
 * <ul>
 * <li>The route's prefix is stripped and the rest names a file under {@code root}, as for static
 *     routes; {@code ..} was resolved before routing and an encoded slash is 404.</li>
 * <li>The first segment ending in {@code .php} (any case) is the script; what follows it is PATH_INFO
 *     ({@code /legacy/index.php/a/b}: script {@code index.php}, PATH_INFO {@code /a/b}). A path ending
 *     in {@code /} runs the {@code index} script of that folder.</li>
 * <li>The script must be a regular file whose real path (links followed) lies inside the root's real
 *     path: missing is 404 and PHP-FPM is never asked (so {@code /uploads/x.jpg/y.php} cannot run an
 *     upload as PHP), outside the root is 403.</li>
 * <li>Any other path is a static file of the same root, served by the edge (assets of a LAMP app), except
 *     PHP sources under other extensions ({@code .phtml}, {@code .php5}, {@code .phps}, {@code .phar},
 *     {@code .inc}, ...), which are 403 rather than leaked.</li>
 * <li>Hidden names (a segment starting with a dot: {@code .git}, {@code .env}, {@code .htaccess}) are
 *     404, except {@code .well-known}.</li>
 * </ul>
 * Immutable; runs on the event loop, where a script costs a real-path lookup and a stat (as nginx's
 * {@code try_files} does).
 */
final class ScriptLocator {

    /** What answers a request path. */
    sealed interface Target {
    }

    /**
     * A script to run.
     *
     * @param filename   SCRIPT_FILENAME: the script under the root, as configured (links not resolved)
     * @param scriptName SCRIPT_NAME: the script's URL path, route prefix included
     * @param pathInfo   PATH_INFO: what followed the script in the path, or empty
     */
    record Script(String filename, String scriptName, String pathInfo) implements Target {
    }

    /** Not a script: the static file handler of the same root answers. */
    enum Other implements Target { STATIC, NOT_FOUND, FORBIDDEN }

    private static final String[] SOURCE_EXTENSIONS = {
        ".phtml", ".php3", ".php4", ".php5", ".php7", ".php8", ".phps", ".phar", ".inc",
    };

    private final Path root;
    private final int cut;
    private final String index;
    private final boolean indexIsScript;

    /**
     * @param prefix the route's path prefix
     * @param index  the file a path ending in {@code /} names
     */
    ScriptLocator(Path root, String prefix, String index) {
        this.root = root.toAbsolutePath().normalize();
        this.cut = prefix.endsWith("/") ? prefix.length() - 1 : prefix.length();
        this.index = index;
        this.indexIsScript = scriptEnd("/" + index) > 0;
    }

    /** DOCUMENT_ROOT. */
    Path root() {
        return root;
    }

    /** The index file's name when it is not a script (served statically), else null. */
    String staticIndex() {
        return indexIsScript ? null : index;
    }

    Target locate(RequestPath p) {
        String path = p.path();
        // The prefix must end at a segment boundary (route /app does not serve /appx), as for static files.
        if (p.encodedSlash() || path.length() > cut && path.charAt(cut) != '/') {
            return Other.NOT_FOUND;
        }
        String rest = path.length() <= cut ? "" : path.substring(cut);
        if (hidden(rest)) {
            return Other.NOT_FOUND;
        }
        int end = scriptEnd(rest);
        if (end < 0) {
            if (rest.endsWith("/") && indexIsScript) {
                return script(path + index, rest.substring(1) + index, "");
            }
            return sourceFile(rest) ? Other.FORBIDDEN : Other.STATIC;
        }
        return script(path.substring(0, cut + end), rest.substring(1, end), rest.substring(end));
    }

    private Target script(String scriptName, String relative, String pathInfo) {
        Path file;
        Path rootReal;
        Path real;
        try {
            file = root.resolve(relative);
            rootReal = root.toRealPath();
            real = file.toRealPath();
        } catch (IOException | InvalidPathException | SecurityException e) {
            return Other.NOT_FOUND;
        }
        if (!real.startsWith(rootReal)) {
            return Other.FORBIDDEN;
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return Other.NOT_FOUND;
        }
        return new Script(file.toString(), scriptName, pathInfo);
    }

    /**
     * Where the script part of {@code rest} ends: just after the first {@code .php} (any case) that
     * ends a segment and is not the whole segment; -1 when there is none.
     */
    static int scriptEnd(String rest) {
        int from = 0;
        while (true) {
            int dot = indexOfIgnoreCase(rest, ".php", from);
            if (dot < 0) {
                return -1;
            }
            int end = dot + 4;
            if ((end == rest.length() || rest.charAt(end) == '/') && dot > 0 && rest.charAt(dot - 1) != '/') {
                return end;
            }
            from = dot + 1;
        }
    }

    private static int indexOfIgnoreCase(String s, String lowerPart, int from) {
        for (int i = from; i <= s.length() - lowerPart.length(); i++) {
            if (s.regionMatches(true, i, lowerPart, 0, lowerPart.length())) {
                return i;
            }
        }
        return -1;
    }

    /** A segment starting with a dot, other than {@code /.well-known} right under the route. */
    private static boolean hidden(String rest) {
        int i = rest.indexOf("/.");
        while (i >= 0) {
            if (!(i == 0 && (rest.startsWith("/.well-known/") || rest.equals("/.well-known")))) {
                return true;
            }
            i = rest.indexOf("/.", i + 1);
        }
        return false;
    }

    private static boolean sourceFile(String rest) {
        String lower = rest.toLowerCase(Locale.ROOT);
        for (String ext : SOURCE_EXTENSIONS) {
            if (lower.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }
}
