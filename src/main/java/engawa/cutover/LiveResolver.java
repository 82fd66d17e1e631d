package engawa.cutover;

import engawa.config.Names;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Resolves a host name through the instances' own DNS listeners, as an iterative resolver would: it starts at
 * the instance holding the name's top zone and follows referrals through their glue (a glue address is reached
 * at the DNS port of the instance with that address, else at the port of the instance that gave it: glue has
 * no port) and CNAMEs. Real queries over the wire. Blocking; thread-safe.
 */
final class LiveResolver {
    private static final int MAX_HOPS = 8;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

    private LiveResolver() {
    }

    static Resolution resolve(String host, Map<String, Fleet.Instance> instances, ZoneModel model) {
        List<String> trail = new ArrayList<>();
        String name = Names.absolute(host);
        String start = model.topAuthority(name);
        if (start == null) {
            return new Resolution(List.of(), trail, "no instance of the plan has a zone for " + name);
        }
        InetSocketAddress server = instances.get(start).socket("dns");
        String at = start;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            Message m;
            try {
                m = Probes.dns(server, name, Type.A, QUERY_TIMEOUT);
            } catch (IOException e) {
                return new Resolution(List.of(), trail, at + " (" + server + ") did not answer: " + e.getMessage());
            }
            int rcode = m.getRcode();
            if (rcode != Rcode.NOERROR) {
                return new Resolution(List.of(), trail, at + " answered " + Rcode.string(rcode) + " for " + name);
            }
            List<InetAddress> found = new ArrayList<>();
            String cname = null;
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) {
                    found.add(a.getAddress());
                } else if (r instanceof CNAMERecord c && cname == null) {
                    cname = c.getTarget().toString();
                }
            }
            if (!found.isEmpty()) {
                trail.add(at + ": " + Fleet.addressStrings(found));
                return new Resolution(List.copyOf(found), trail, null);
            }
            if (cname != null) {
                trail.add(at + ": CNAME " + cname);
                name = cname;
                String next = model.topAuthority(name);
                if (next == null) {
                    return new Resolution(List.of(), trail, "no instance of the plan has a zone for " + name);
                }
                at = next;
                server = instances.get(next).socket("dns");
                continue;
            }
            List<String> nsNames = new ArrayList<>();
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r instanceof NSRecord ns) {
                    nsNames.add(ns.getTarget().toString());
                }
            }
            if (m.getHeader().getFlag(Flags.AA) || nsNames.isEmpty()) {
                return new Resolution(List.of(), trail, at + " has no A record for " + name);
            }
            List<InetAddress> glue = new ArrayList<>();
            for (Record r : m.getSection(Section.ADDITIONAL)) {
                if (r instanceof ARecord a && nsNames.contains(r.getName().toString())) {
                    glue.add(a.getAddress());
                }
            }
            trail.add(at + ": referral to " + String.join(" ", nsNames) + " " + Fleet.addressStrings(glue));
            if (glue.isEmpty()) {
                return new Resolution(List.of(), trail, "the referral has no glue address");
            }
            InetAddress next = glue.get(0);
            String target = model.targetAt(next);
            if (target != null && instances.containsKey(target)) {
                server = new InetSocketAddress(next, instances.get(target).socket("dns").getPort());
                at = target;
            } else {
                server = new InetSocketAddress(next, server.getPort());
                at = next.getHostAddress();
            }
        }
        return new Resolution(List.of(), trail, "more than " + MAX_HOPS + " referrals or CNAMEs");
    }
}
