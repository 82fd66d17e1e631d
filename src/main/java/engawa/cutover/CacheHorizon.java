package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.Names;
import engawa.dns.ZoneContent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Type;

/**
 * How long resolvers may keep answering from before a DNS change: for every record set the change alters or
 * removes, its old TTL; for every name it brings into existence, the negative TTL (RFC 2308: the lesser of the
 * SOA's TTL and minimum) under which an earlier "no such name" may be cached. A zone new to an instance had no
 * answers to cache there (REFUSED is not cached). Computed from the documents before and after, with the DNS
 * part's record model.
 */
final class CacheHorizon {

    /** The longest time any resolver may keep an old answer, and one line per record set that changes. */
    record Effect(long seconds, List<String> lines) {
        static final Effect NONE = new Effect(0, List.of());
    }

    private CacheHorizon() {
    }

    static Effect of(String target, JsonNode before, JsonNode after, List<String> zones) {
        if (zones.isEmpty()) {
            return Effect.NONE;
        }
        ZoneModel was = new ZoneModel(Map.of(target, before), Map.of());
        ZoneModel now = new ZoneModel(Map.of(target, after), Map.of());
        long max = 0;
        List<String> lines = new ArrayList<>();
        for (String apex : zones) {
            ZoneContent old = was.zone(target, apex);
            ZoneContent fresh = now.zone(target, apex);
            if (old == null) {
                lines.add("zone " + Names.absolute(apex) + " is new on " + target + ": nothing was answered from it before (REFUSED is not cached)");
                continue;
            }
            Map<String, ZoneContent.RRset> oldSets = sets(old);
            Map<String, ZoneContent.RRset> newSets = fresh == null ? Map.of() : sets(fresh);
            Set<String> keys = new LinkedHashSet<>(oldSets.keySet());
            keys.addAll(newSets.keySet());
            Set<String> oldCuts = cuts(old);
            Set<String> newCuts = fresh == null ? Set.of() : cuts(fresh);
            for (String key : keys) {
                ZoneContent.RRset o = oldSets.get(key);
                ZoneContent.RRset n = newSets.get(key);
                if (o != null && o.type() == Type.SOA) {
                    continue;
                }
                String hiddenBy = o == null || o.type() == Type.NS ? null : cutAbove(o.owner(), newCuts);
                boolean glue = o != null && (o.type() == Type.A || o.type() == Type.AAAA) && !o.owner().equals(hiddenBy);
                if (hiddenBy != null && cutAbove(o.owner(), oldCuts) == null && !glue) {
                    max = Math.max(max, o.ttl());
                    lines.add(key + ": now answered by the referral to " + hiddenBy + "; resolvers may keep the old answer up to " + o.ttl() + "s (its TTL)");
                } else if (o != null && (n == null || !same(o, n))) {
                    max = Math.max(max, o.ttl());
                    lines.add(key + ": resolvers may keep the old answer up to " + o.ttl() + "s (its TTL)");
                } else if (o == null && n != null) {
                    boolean nameExisted = ZoneModel.hasName(old, n.owner());
                    long negative = old.negativeTtl();
                    max = Math.max(max, negative);
                    lines.add(key + ": new; resolvers may keep the earlier " + (nameExisted ? "\"no such record\"" : "\"no such name\"")
                            + " up to " + negative + "s (negative TTL, RFC 2308)");
                }
            }
        }
        return new Effect(max, lines);
    }

    /** The longest TTL in a zone (its records, and its negative TTL): what lowering the TTLs must wait out. */
    static long longestTtl(String target, JsonNode doc, String apex) {
        ZoneContent z = new ZoneModel(Map.of(target, doc), Map.of()).zone(target, apex);
        if (z == null) {
            return 0;
        }
        long max = z.negativeTtl();
        for (ZoneContent.RRset s : z.sets()) {
            max = Math.max(max, s.ttl());
        }
        return max;
    }

    /** The delegation points of a zone: owners of NS sets below its apex. */
    private static Set<String> cuts(ZoneContent z) {
        Set<String> out = new LinkedHashSet<>();
        for (ZoneContent.RRset s : z.sets()) {
            if (s.type() == Type.NS && !s.owner().equals(z.origin())) {
                out.add(s.owner());
            }
        }
        return out;
    }

    private static String cutAbove(String owner, Set<String> cuts) {
        for (String c : cuts) {
            if (DocumentTree.within(owner, c)) {
                return c;
            }
        }
        return null;
    }

    private static Map<String, ZoneContent.RRset> sets(ZoneContent z) {
        Map<String, ZoneContent.RRset> out = new LinkedHashMap<>();
        for (ZoneContent.RRset s : z.sets()) {
            out.put(s.owner() + " " + Type.string(s.type()), s);
        }
        return out;
    }

    private static boolean same(ZoneContent.RRset a, ZoneContent.RRset b) {
        if (a.ttl() != b.ttl() || a.rdata().size() != b.rdata().size()) {
            return false;
        }
        for (int i = 0; i < a.rdata().size(); i++) {
            if (!Arrays.equals(a.rdata().get(i), b.rdata().get(i))) {
                return false;
            }
        }
        return true;
    }
}
