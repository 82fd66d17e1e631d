package engawa.config;

import java.util.function.Function;

/** {@code listen:} where each listener binds; an absent key means that listener is not started. */
public record ListenConfig(BindAddress http, BindAddress https, BindAddress dns, BindAddress tunnel, BindAddress admin) {

    static ListenConfig read(Node n) {
        n.keys("http", "https", "dns", "tunnel", "admin");
        Function<String, BindAddress> bind = key -> {
            Node v = n.get(key);
            String s = v.text(null);
            if (s == null) {
                return null;
            }
            try {
                return BindAddress.parse(s);
            } catch (IllegalArgumentException e) {
                v.error(e.getMessage());
                return null;
            }
        };
        return new ListenConfig(bind.apply("http"), bind.apply("https"), bind.apply("dns"), bind.apply("tunnel"), bind.apply("admin"));
    }
}
