package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.EdgeConfig;
import engawa.config.Names;
import engawa.config.Node;
import engawa.config.Problems;
import engawa.config.ZoneConfig;
import engawa.dns.ZoneContent;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What the plan's instances would answer, computed from their documents with the DNS part's own record model
 * ({@link ZoneContent}: ALIAS flattened to {@code edge.addresses}, apex NS from {@code edge.nameservers}),
 * without asking them: how {@code engawa cutover plan} sees the effect of each step. Resolves a host name the
 * way {@link LiveResolver} does over the wire. Immutable once built; any thread.
 */
final class ZoneModel {
    private static final int MAX_HOPS = 8;

    /** One instance's zones by apex, and the addresses at which it is reached. */
    private record InstanceZones(String target, Map<String, ZoneContent> zones, List<InetAddress> addresses) {
    }

    private final Map<String, InstanceZones> instances = new LinkedHashMap<>();

    /**
     * @param documents the documents by target, in plan order
     * @param adminHosts each target's admin host, also an address it is reached at
     */
    ZoneModel(Map<String, JsonNode> documents, Map<String, String> adminHosts) {
        documents.forEach((target, doc) -> {
            Problems problems = new Problems();
            EdgeConfig edge = EdgeConfig.read(Node.root(doc, problems, Path.of(".")).get("edge"));
            Map<String, ZoneContent> zones = new LinkedHashMap<>();
            doc.path("zones").fields().forEachRemaining(e -> {
                Problems p = new Problems();
                ZoneConfig z = ZoneConfig.read(e.getKey(), Node.root(e.getValue(), p, Path.of(".")));
                if (!p.hasErrors()) {
                    zones.put(Names.absolute(e.getKey()), ZoneContent.of(z, edge));
                }
            });
            List<InetAddress> addresses = new ArrayList<>(edge.addresses());
            String host = adminHosts.get(target);
            if (host != null && Names.isIpLiteral(host)) {
                addresses.add(Names.ipLiteral(host));
            }
            instances.put(target, new InstanceZones(target, zones, addresses));
        });
    }

    /** The zone of {@code target} holding {@code name} (longest suffix), or null. */
    ZoneContent zoneOf(String target, String name) {
        InstanceZones i = instances.get(target);
        ZoneContent best = null;
        if (i == null) {
            return null;
        }
        for (ZoneContent z : i.zones.values()) {
            if (DocumentTree.within(name, z.origin()) && (best == null || z.origin().length() > best.origin().length())) {
                best = z;
            }
        }
        return best;
    }

    ZoneContent zone(String target, String apex) {
        InstanceZones i = instances.get(target);
        return i == null ? null : i.zones.get(Names.absolute(apex));
    }

    /** The target holding the shortest zone that contains {@code name}: where resolution starts. */
    String topAuthority(String name) {
        String best = null;
        int bestLength = Integer.MAX_VALUE;
        for (InstanceZones i : instances.values()) {
            for (String apex : i.zones.keySet()) {
                if (DocumentTree.within(name, apex) && apex.length() < bestLength) {
                    best = i.target;
                    bestLength = apex.length();
                }
            }
        }
        return best;
    }

    /** The target reached at {@code address} (its {@code edge.addresses} or its admin host), or null. */
    String targetAt(InetAddress address) {
        for (InstanceZones i : instances.values()) {
            if (i.addresses.contains(address)) {
                return i.target;
            }
        }
        return null;
    }

    /** The A answer for {@code host} (absolute), following referrals through glue and CNAMEs. */
    Resolution resolve(String host) {
        List<String> trail = new ArrayList<>();
        String name = Names.absolute(host);
        String at = topAuthority(name);
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            if (at == null) {
                return new Resolution(List.of(), trail, "no instance of the plan has a zone for " + name);
            }
            ZoneContent zone = zoneOf(at, name);
            if (zone == null) {
                return new Resolution(List.of(), trail, at + " has no zone for " + name);
            }
            List<Record> records = zone.records(0);
            String cut = cut(records, zone.origin(), name);
            if (cut != null) {
                List<InetAddress> glue = new ArrayList<>();
                List<String> nsNames = new ArrayList<>();
                for (Record r : records) {
                    if (r.getType() == Type.NS && r.getName().toString().equals(cut)) {
                        nsNames.add(((NSRecord) r).getTarget().toString());
                    }
                }
                for (Record r : records) {
                    if (nsNames.contains(r.getName().toString()) && r instanceof ARecord a) {
                        glue.add(a.getAddress());
                    }
                }
                String next = glue.stream().map(this::targetAt).filter(t -> t != null).findFirst().orElse(null);
                trail.add(at + ": referral to " + String.join(" ", nsNames) + " " + glue);
                if (next == null) {
                    return new Resolution(List.of(), trail, "the referral's glue " + glue + " leads to no instance of the plan");
                }
                at = next;
                continue;
            }
            List<InetAddress> found = new ArrayList<>();
            String cname = null;
            for (String owner : List.of(name, wildcardOf(name))) {
                for (Record r : records) {
                    if (!r.getName().toString().equals(owner)) {
                        continue;
                    }
                    if (r instanceof ARecord a) {
                        found.add(a.getAddress());
                    } else if (r instanceof CNAMERecord c) {
                        cname = c.getTarget().toString();
                    }
                }
                if (!found.isEmpty() || cname != null || exists(records, owner)) {
                    break;
                }
            }
            if (!found.isEmpty()) {
                trail.add(at + ": " + found.stream().map(InetAddress::getHostAddress).toList());
                return new Resolution(List.copyOf(found), trail, null);
            }
            if (cname != null) {
                trail.add(at + ": CNAME " + cname);
                name = cname;
                at = topAuthority(name);
                continue;
            }
            return new Resolution(List.of(), trail, at + " has no A record for " + name);
        }
        return new Resolution(List.of(), trail, "more than " + MAX_HOPS + " referrals or CNAMEs");
    }

    /** The delegation point at or above {@code name} below the apex, highest first; null when none. */
    static String cut(List<Record> records, String origin, String name) {
        String found = null;
        for (Record r : records) {
            String owner = r.getName().toString();
            if (r.getType() == Type.NS && !owner.equals(origin) && DocumentTree.within(name, owner)
                    && (found == null || owner.length() < found.length())) {
                found = owner;
            }
        }
        return found;
    }

    private static boolean exists(List<Record> records, String owner) {
        return records.stream().anyMatch(r -> r.getName().toString().equals(owner));
    }

    static String wildcardOf(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : "*" + name.substring(dot);
    }

    /** Whether the record sets of {@code owner}, any type, exist in the zone. */
    static boolean hasName(ZoneContent zone, String owner) {
        return zone.sets().stream().anyMatch(s -> s.owner().equals(owner));
    }
}
