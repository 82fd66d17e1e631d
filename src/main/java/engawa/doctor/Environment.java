package engawa.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Engawa runs, as far as the classic failures care: inside a container (its 127.0.0.1 is its own,
 * not the host's), and whether it may bind ports below 1024.
 */
public record Environment(boolean inContainer, boolean canBindLowPorts) {

    public static Environment detect() {
        boolean container = Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"))
                || cgroupMentionsContainer();
        return new Environment(container, isRoot() || hasNetBindCapability());
    }

    private static boolean cgroupMentionsContainer() {
        try {
            String cg = Files.readString(Path.of("/proc/1/cgroup"));
            return cg.contains("docker") || cg.contains("kubepods") || cg.contains("containerd") || cg.contains("libpod");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** CAP_NET_BIND_SERVICE (bit 10) in the effective set of this process. */
    private static boolean hasNetBindCapability() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 10)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
