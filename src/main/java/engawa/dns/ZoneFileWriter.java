package engawa.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xbill.DNS.Record;

/**
 * A zone as an RFC 1035 master file: {@code $ORIGIN}, {@code $TTL}, the SOA with its serial, then every
 * record with absolute names in canonical order, ALIAS flattened to the A/AAAA it answers (what AXFR sends).
 * Each ALIAS is also written as a {@code ; engawa: ALIAS NAME SITE} comment, which BIND and every other
 * reader ignore and {@link ZoneFileReader} turns back into the ALIAS, so export then import is lossless.
 */
public final class ZoneFileWriter {
    static final String ALIAS_MARK = "; engawa: ALIAS ";

    private ZoneFileWriter() {
    }

    public static void write(ZoneContent content, long serial, String comment, Writer out) {
        try {
            out.write("; " + content.origin() + " " + comment + "\n");
            Map<String, String> aliases = new LinkedHashMap<>();
            for (ZoneContent.RRset s : content.sets()) {
                if (s.aliasSite() != null) {
                    aliases.put(s.owner(), s.aliasSite());
                }
            }
            for (Map.Entry<String, String> a : aliases.entrySet()) {
                out.write(ALIAS_MARK + a.getKey() + " " + a.getValue() + "\n");
            }
            out.write("$ORIGIN " + content.origin() + "\n");
            out.write("$TTL " + content.zone().ttl() + "\n");
            for (Record r : content.records(serial)) {
                out.write(r.toString());
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toText(ZoneContent content, long serial, String comment) {
        java.io.StringWriter w = new java.io.StringWriter();
        write(content, serial, comment, w);
        return w.toString();
    }
}
