package engawa.dns;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Reads an RFC 1035 master file with dnsjava's parser ({@code $ORIGIN}, {@code $TTL}, {@code $INCLUDE}
 * relative to the file, relative names, parentheses across lines) into the document's form of a zone: the
 * SOA fields and the records grouped by name and type, values in zone-file syntax. The
 * {@code ; engawa: ALIAS} comments {@link ZoneFileWriter} writes turn the A/AAAA they stand for back into
 * ALIAS records. Types Engawa does not serve are an error unless skipped.
 */
public final class ZoneFileReader {
    private static final Set<String> SERVED = Set.of("A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA", "PTR",
            "HTTPS", "SVCB");

    /** One record set entry as the document writes it ({@code name} relative to the zone, {@code @} the apex). */
    public record Entry(String name, String type, long ttl, List<String> values, String site) {
    }

    /** The zone read from a file: SOA fields (the serial only to report it), records, and what was set aside. */
    public record Imported(String origin, long soaTtl, String primary, String contact, long fileSerial, long refresh,
                           long retry, long expire, long minimum, List<Entry> entries, int records, List<String> notes) {
    }

    /** One RRset while reading: its values in zone-file syntax and its (lowest) TTL; not the records themselves. */
    private static final class SetBuilder {
        final List<String> values = new ArrayList<>(1);
        long ttl = -1;
        boolean mixedTtl;

        void add(Record r) {
            if (ttl >= 0 && r.getTTL() != ttl) {
                mixedTtl = true;
            }
            ttl = ttl < 0 ? r.getTTL() : Math.min(ttl, r.getTTL());
            values.add(r.rdataToString());
        }
    }

    private ZoneFileReader() {
    }

    /**
     * Reads {@code file} for zone {@code zone}; {@code progress} hears the count of records read now and then.
     * Throws IllegalArgumentException naming what is wrong (a syntax error with its line, a record outside
     * the zone, a type Engawa does not serve unless {@code skipUnsupported}).
     */
    public static Imported read(Path file, String zone, boolean skipUnsupported, LongConsumer progress) throws IOException {
        Name origin = ZoneContent.name(zone.endsWith(".") ? zone.toLowerCase(Locale.ROOT) : zone.toLowerCase(Locale.ROOT) + ".");
        String originText = origin.toString();
        SOARecord soa = null;
        Map<String, Map<Integer, SetBuilder>> byName = new LinkedHashMap<>();
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        int count = 0;
        try (Master master = new Master(file.toString(), origin)) {
            Record r;
            while ((r = master.nextRecord()) != null) {
                count++;
                if (count % 100_000 == 0) {
                    progress.accept(count);
                }
                if (!r.getName().subdomain(origin)) {
                    throw new IllegalArgumentException(r.getName() + " " + Type.string(r.getType()) + " is outside the zone " + originText);
                }
                if (r.getType() == Type.SOA) {
                    if (!r.getName().equals(origin)) {
                        throw new IllegalArgumentException("an SOA record at " + r.getName() + ", not at the zone apex " + originText);
                    }
                    soa = (SOARecord) r;
                    continue;
                }
                String type = Type.string(r.getType());
                if (!SERVED.contains(type)) {
                    skipped.merge(type, 1, Integer::sum);
                    continue;
                }
                byName.computeIfAbsent(r.getName().toString().toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>(2))
                        .computeIfAbsent(r.getType(), k -> new SetBuilder()).add(r);
            }
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        progress.accept(count);
        if (!skipped.isEmpty()) {
            String which = skipped.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).reduce((a, b) -> a + ", " + b).orElse("");
            if (!skipUnsupported) {
                throw new IllegalArgumentException("records of types Engawa does not serve: " + which + " (--skip-unsupported leaves them out)");
            }
            notes.add("left out " + which);
        }
        if (soa == null) {
            throw new IllegalArgumentException(file + " has no SOA record for " + originText);
        }
        Map<String, String> aliases = aliasMarks(file);
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, SetBuilder>> e : byName.entrySet()) {
            String owner = e.getKey();
            String site = aliases.get(owner);
            boolean aliasAdded = false;
            for (Map.Entry<Integer, SetBuilder> t : e.getValue().entrySet()) {
                int type = t.getKey();
                SetBuilder set = t.getValue();
                if (site != null && (type == Type.A || type == Type.AAAA)) {
                    if (!aliasAdded) {
                        entries.add(new Entry(relative(owner, originText), "ALIAS", set.ttl, List.of(), site));
                        aliasAdded = true;
                    }
                    continue;
                }
                if (set.mixedTtl) {
                    notes.add(owner + " " + Type.string(type) + " had several TTLs; it gets the lowest, " + set.ttl);
                }
                entries.add(new Entry(relative(owner, originText), Type.string(type), set.ttl, List.copyOf(set.values), null));
            }
        }
        return new Imported(originText, soa.getTTL(), soa.getHost().toString(), soa.getAdmin().toString(), soa.getSerial(),
                soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum(), entries, count, notes);
    }

    /** The {@code ; engawa: ALIAS NAME SITE} comments of the file itself. */
    private static Map<String, String> aliasMarks(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(ZoneFileWriter.ALIAS_MARK)) {
                    String[] parts = line.substring(ZoneFileWriter.ALIAS_MARK.length()).trim().split("\\s+");
                    if (parts.length == 2) {
                        out.put(parts[0].toLowerCase(Locale.ROOT), parts[1]);
                    }
                }
            }
        }
        return out;
    }

    private static String relative(String owner, String origin) {
        if (owner.equals(origin)) {
            return "@";
        }
        return owner.substring(0, owner.length() - origin.length() - 1);
    }
}
