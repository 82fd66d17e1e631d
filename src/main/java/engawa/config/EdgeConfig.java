package engawa.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code edge:} this node's public face: the addresses an ALIAS record to one of its sites answers, and
 * the name servers of the zones it creates and delegations to it.
 */
public record EdgeConfig(List<InetAddress> addresses, List<String> nameservers) {

    public static EdgeConfig read(Node n) {
        n.keys("addresses", "nameservers");
        List<InetAddress> addresses = new ArrayList<>();
        for (Node a : n.get("addresses").list()) {
            String s = a.text();
            if (s == null) {
                continue;
            }
            if (!Names.isIpLiteral(s)) {
                a.error("\"" + s + "\" is not an IPv4 or IPv6 address");
                continue;
            }
            addresses.add(Names.ipLiteral(s));
        }
        List<String> nameservers = new ArrayList<>();
        for (Node ns : n.get("nameservers").list()) {
            String s = ns.text();
            if (s == null) {
                continue;
            }
            if (!Names.isHostName(Names.stripDot(s))) {
                ns.error("\"" + s + "\" is not a host name");
                continue;
            }
            nameservers.add(Names.absolute(s));
        }
        return new EdgeConfig(List.copyOf(addresses), List.copyOf(nameservers));
    }
}
