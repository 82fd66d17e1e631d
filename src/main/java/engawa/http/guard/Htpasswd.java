package engawa.http.guard;

import engawa.config.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * An htpasswd file of bcrypt hashes ({@code htpasswd -B}): {@code user:$2y$10$...} per line, {@code #}
 * comments and blank lines ignored. Other hash kinds (MD5 {@code $apr1$}, SHA-1, crypt) are refused: they
 * are fast to brute-force. Read once when a snapshot is compiled; immutable after.
 */
final class Htpasswd {
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d{2})\\$[./A-Za-z0-9]{53}");

    private final Map<String, String> hashes;
    private final String decoy;

    private Htpasswd(Map<String, String> hashes, String decoy) {
        this.hashes = hashes;
        this.decoy = decoy;
    }

    /** Reads {@code file}; problems go to {@code at} with the file's path and line. Null when it has errors. */
    static Htpasswd read(Path file, String at, Problems problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.error(at, "cannot read users file " + file + ": " + e.getMessage());
            return null;
        }
        Map<String, String> hashes = new HashMap<>();
        int maxCost = 4;
        boolean ok = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                problems.error(at, where + ": expected user:hash");
                ok = false;
                continue;
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            Matcher m = BCRYPT.matcher(hash);
            if (!m.matches()) {
                problems.error(at, where + ": the hash of user \"" + user + "\" is not bcrypt ($2y$, $2a$ or $2b$); "
                        + "make it with htpasswd -B");
                ok = false;
                continue;
            }
            int cost = Integer.parseInt(m.group(1));
            if (cost < 4 || cost > 31) {
                problems.error(at, where + ": bcrypt cost " + cost + " is outside 4-31");
                ok = false;
                continue;
            }
            if (hashes.put(user, hash) != null) {
                problems.error(at, where + ": user \"" + user + "\" appears twice");
                ok = false;
            }
            maxCost = Math.max(maxCost, cost);
        }
        if (!ok) {
            return null;
        }
        if (hashes.isEmpty()) {
            problems.warning(at, "users file " + file + " has no users: every request gets 401");
        }
        return new Htpasswd(Map.copyOf(hashes), decoy(maxCost));
    }

    /** The user's hash, or null. */
    String hash(String user) {
        return hashes.get(user);
    }

    /**
     * A hash of a random password at the file's highest cost: checked in place of an unknown user's, so
     * that "no such user" takes as long as "wrong password" and does not tell which users exist.
     */
    String decoy() {
        return decoy;
    }

    private static String decoy(int cost) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] password = new byte[24];
        random.nextBytes(salt);
        random.nextBytes(password);
        return OpenBSDBCrypt.generate("2y", password, salt, cost);
    }
}
