package engawa.tunnel;

import java.util.List;

/**
 * The first message on a tunnel link, client to edge: who the client is (its token), what it asks for (a
 * name, or null to be given one; a kind), and how its tunnel is to be guarded (exclusive use, basic auth
 * {@code user:password}, an allow-list of address blocks). Immutable.
 */
public record Hello(String token, String name, TunnelKind kind, boolean exclusive, String basicAuth, List<String> allow) {

    public Hello {
        allow = allow == null ? List.of() : List.copyOf(allow);
    }

    /** The same request for another name: a reconnecting client asks again for the name it was given. */
    public Hello withName(String other) {
        return new Hello(token, other, kind, exclusive, basicAuth, allow);
    }

    @Override
    public String toString() {
        // Never print the token or the password.
        return "Hello[name=" + name + ", kind=" + kind + ", exclusive=" + exclusive + ", basicAuth="
                + (basicAuth != null) + ", allow=" + allow + "]";
    }
}
