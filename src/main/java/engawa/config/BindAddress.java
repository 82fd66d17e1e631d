package engawa.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where a listener binds: {@code ":8080"} (every address, the default because 127.0.0.1 inside a VM or
 * container is unreachable from outside it), {@code "127.0.0.1:9080"}, {@code "[::1]:53"}. Port 0 asks
 * the kernel for a free port, which tests use.
 */
public record BindAddress(String host, int port) {

    public static BindAddress parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not HOST:PORT or :PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("\"" + text + "\": write IPv6 addresses in brackets, e.g. [::1]:53");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" has no port number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("\"" + text + "\": port must be 0-65535");
        }
        if (!host.isEmpty() && !host.equals("*")) {
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("\"" + text + "\": unknown host " + host);
            }
        }
        return new BindAddress(host.isEmpty() || host.equals("*") ? "" : host, port);
    }

    public boolean allAddresses() {
        return host.isEmpty();
    }

    /** True when only this machine can connect (127.0.0.0/8 or ::1). */
    public boolean loopback() {
        if (host.isEmpty()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public InetSocketAddress socketAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
