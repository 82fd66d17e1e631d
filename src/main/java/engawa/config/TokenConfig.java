package engawa.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** A named secret known only by its SHA-256, so the document never holds the secret itself. */
public record TokenConfig(String name, byte[] sha256, List<String> names) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    /** The SHA-256 of a presented secret, as the document's {@code sha256} holds it. */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenConfig read(Node n, boolean withNames) {
        if (withNames) {
            n.keys("name", "sha256", "names");
        } else {
            n.keys("name", "sha256");
        }
        String name = n.get("name").text();
        Node hash = n.get("sha256");
        String hex = hash.text();
        byte[] digest = new byte[32];
        if (hex != null) {
            if (HEX64.matcher(hex).matches()) {
                digest = HexFormat.of().parseHex(hex.toLowerCase());
            } else {
                hash.error("expected 64 hex digits (the SHA-256 of the token, e.g. from `printf %s TOKEN | sha256sum`)");
            }
        }
        List<String> names = withNames ? n.get("names").strings() : List.of();
        return new TokenConfig(name, digest, List.copyOf(names));
    }
}
