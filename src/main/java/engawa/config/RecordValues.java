package engawa.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Record values as the document writes them (zone-file syntax, names relative to the zone) turned into
 * uncompressed wire RDATA, once, when the document is read: the DNS index, zone transfers and exports all
 * start from these bytes. TXT is the one type with a friendlier form: a value that does not start with a
 * quote is one text, split into character-strings of at most 255 bytes; a quoted value is zone-file syntax
 * ({@code "a" "b"} is two strings).
 */
public final class RecordValues {

    private RecordValues() {
    }

    /** Parses one value of {@code type} (a type name Engawa serves, not ALIAS) relative to {@code origin}. */
    public static byte[] parse(String type, String value, Name origin) {
        int code = Type.value(type);
        if (code < 0) {
            throw new IllegalArgumentException("unknown record type " + type);
        }
        if (code == Type.TXT && !value.startsWith("\"")) {
            return splitText(value);
        }
        try {
            Record r = Record.fromString(origin, code, DClass.IN, 0, value, origin);
            return rdata(r);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("\"" + value + "\" is not a valid " + type + " value: " + clean(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("\"" + value + "\" is not a valid " + type + " value: " + e.getMessage());
        }
    }

    /** The uncompressed RDATA of a parsed record, in the case it was written. */
    public static byte[] rdata(Record r) {
        byte[] wire = r.toWire(Section.ANSWER);
        int skip = r.getName().length() + 10;
        byte[] out = new byte[wire.length - skip];
        System.arraycopy(wire, skip, out, 0, out.length);
        return out;
    }

    /** One text as TXT RDATA: UTF-8, in character-strings of at most 255 bytes (one empty string for ""). */
    static byte[] splitText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 255 + 1);
        int pos = 0;
        do {
            int n = Math.min(255, bytes.length - pos);
            out.write(n);
            out.write(bytes, pos, n);
            pos += n;
        } while (pos < bytes.length);
        return out.toByteArray();
    }

    private static String clean(String message) {
        // dnsjava prefixes "<none>:1: " (its tokenizer's file and line), which means nothing here.
        return message == null ? "" : message.replaceFirst("^<none>:\\d+: ", "");
    }
}
