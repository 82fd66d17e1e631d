package engawa.server;

import engawa.config.BindAddress;
import engawa.config.ConfigException;
import engawa.config.ListenConfig;
import engawa.net.Listener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bound listeners, one per role, reconciled with each revision's {@code listen:} in two phases:
 * {@link #prepare} binds what is new (failing the revision if a port cannot be bound, with nothing
 * changed), {@link Prepared#commit} closes what was replaced. A role whose address is unchanged keeps its
 * socket across reloads.
 */
final class ListenerSet implements AutoCloseable {
    static final List<String> ROLES = List.of("http", "https", "dns", "tunnel", "admin");

    /** Binds a listener of one role, or returns null when this build does not serve that role. */
    interface Factory {
        Listener bind(String role, BindAddress address);
    }

    private final Factory factory;
    private final Map<String, Listener> bound = new LinkedHashMap<>();

    ListenerSet(Factory factory) {
        this.factory = factory;
    }

    synchronized Prepared prepare(ListenConfig listen) {
        Map<String, Listener> next = new LinkedHashMap<>();
        List<Listener> fresh = new ArrayList<>();
        List<Listener> retired = new ArrayList<>();
        for (String role : ROLES) {
            BindAddress want = address(listen, role);
            Listener have = bound.get(role);
            if (have != null && Objects.equals(have.address(), want)) {
                next.put(role, have);
                continue;
            }
            if (have != null) {
                retired.add(have);
            }
            if (want == null) {
                continue;
            }
            try {
                Listener l = factory.bind(role, want);
                if (l != null) {
                    fresh.add(l);
                    next.put(role, l);
                }
            } catch (RuntimeException e) {
                fresh.forEach(Listener::close);
                throw new ConfigException("listen." + role, "cannot listen on " + want + ": " + rootMessage(e));
            }
        }
        return new Prepared(next, fresh, retired);
    }

    /** A reconciliation whose new sockets are bound; commit it to retire the old ones, or abandon it. */
    final class Prepared {
        private final Map<String, Listener> next;
        private final List<Listener> fresh;
        private final List<Listener> retired;

        private Prepared(Map<String, Listener> next, List<Listener> fresh, List<Listener> retired) {
            this.next = next;
            this.fresh = fresh;
            this.retired = retired;
        }

        void commit() {
            synchronized (ListenerSet.this) {
                bound.clear();
                bound.putAll(next);
            }
            retired.forEach(Listener::close);
        }

        void abandon() {
            fresh.forEach(Listener::close);
        }
    }

    synchronized int port(String role) {
        Listener l = bound.get(role);
        return l == null ? 0 : l.port();
    }

    synchronized Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        bound.forEach((role, l) -> out.put(role, l.address().allAddresses() ? ":" + l.port()
                : l.address().host() + ":" + l.port()));
        return out;
    }

    @Override
    public synchronized void close() {
        bound.values().forEach(Listener::close);
        bound.clear();
    }

    private static BindAddress address(ListenConfig l, String role) {
        return switch (role) {
            case "http" -> l.http();
            case "https" -> l.https();
            case "dns" -> l.dns();
            case "tunnel" -> l.tunnel();
            default -> l.admin();
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
