package engawa.config;

import java.nio.file.Path;

/**
 * {@code log:} the access log, one line per request: {@code access} is {@code stdout} (default),
 * {@code off}, or a file path; {@code format} is {@code combined} (default) or {@code json}.
 */
public record LogConfig(String access, Path accessFile, String format) {

    static LogConfig read(Node n) {
        n.keys("access", "format");
        Node accessNode = n.get("access");
        // YAML 1.1 reads a bare `off` as false; both mean no access log.
        String access = accessNode.present() && accessNode.json().isBoolean() && !accessNode.json().booleanValue()
                ? "off" : accessNode.text("stdout");
        Path file = null;
        if (!access.equals("stdout") && !access.equals("off")) {
            file = n.get("access").file();
            access = "file";
        }
        return new LogConfig(access, file, n.get("format").oneOf("combined", "combined", "json"));
    }
}
