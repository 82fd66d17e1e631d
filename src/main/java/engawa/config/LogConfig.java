package engawa.config;

import java.nio.file.Path;

/**
 * {@code log:} the access log, one line per request: {@code access} is {@code stdout} (default),
 * {@code off}, or a file path; {@code format} is {@code combined} (default) or {@code json}.
 */
public record LogConfig(String access, Path accessFile, String format) {

    static LogConfig read(Node n) {
        n.keys("access", "format");
        String access = n.get("access").text("stdout");
        Path file = null;
        if (!access.equals("stdout") && !access.equals("off")) {
            file = n.get("access").file();
            access = "file";
        }
        return new LogConfig(access, file, n.get("format").oneOf("combined", "combined", "json"));
    }
}
