package engawa.http.guard;

import engawa.config.Cidr;
import engawa.config.RouteConfig;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import java.net.InetAddress;
import java.util.List;

/**
 * {@code access: {deny, allow}}: a client address in a {@code deny} block gets 403; with an {@code allow}
 * list, so does one in none of its blocks. Deny wins over allow, as with nginx's {@code deny} listed first.
 * Immutable; runs on the event loop.
 */
public final class AddressRules implements HttpHandler {
    private final Cidr[] allow;
    private final Cidr[] deny;
    private final GuardMeters meters;
    private final HttpHandler next;

    private AddressRules(List<Cidr> allow, List<Cidr> deny, GuardMeters meters, HttpHandler next) {
        this.allow = allow.toArray(Cidr[]::new);
        this.deny = deny.toArray(Cidr[]::new);
        this.meters = meters;
        this.next = next;
    }

    /** {@code next} behind the route's address rules, or {@code next} itself when it has none. */
    public static HttpHandler wrap(RouteConfig.Access access, GuardMeters meters, HttpHandler next) {
        if (access.allow().isEmpty() && access.deny().isEmpty()) {
            return next;
        }
        return new AddressRules(access.allow(), access.deny(), meters, next);
    }

    @Override
    public void handle(HttpExchange ex) {
        if (permits(ex.clientAddress())) {
            next.handle(ex);
        } else {
            meters.denied().increment();
            Rejections.send(ex, 403);
        }
    }

    boolean permits(InetAddress address) {
        InetAddress a = Addresses.unmapped(address);
        for (Cidr c : deny) {
            if (c.contains(a)) {
                return false;
            }
        }
        if (allow.length == 0) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }
}
