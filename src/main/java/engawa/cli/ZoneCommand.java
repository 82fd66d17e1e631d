package engawa.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.BindAddress;
import engawa.config.ConfigDocument;
import engawa.config.EngawaConfig;
import engawa.config.Names;
import engawa.config.ZoneConfig;
import engawa.dns.ZoneContent;
import engawa.dns.ZoneFileReader;
import engawa.dns.ZoneFileWriter;
import engawa.dns.ZoneSerials;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** {@code engawa zone import|export}: zones as RFC 1035 master files, in and out of config revisions. */
@Command(name = "zone", mixinStandardHelpOptions = true,
        description = "Zones as RFC 1035 master files: import one into a new revision, export one from the current revision.",
        subcommands = {ZoneCommand.Import.class, ZoneCommand.Export.class})
final class ZoneCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: import or export");
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Read a master file ($ORIGIN, $TTL, $INCLUDE, relative names, multi-line records) and store a new "
                    + "revision whose zones.ZONE has its records and SOA fields (the zone is created if absent; the serial "
                    + "stays Engawa's).")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ZONE", description = "the zone, e.g. example.test")
        String zone;

        @Parameters(index = "1", paramLabel = "FILE", description = "the master file")
        Path file;

        @Option(names = "--skip-unsupported", description = "leave out records of types Engawa does not serve instead of failing")
        boolean skipUnsupported;

        @Mixin
        ControlOptions control;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Names.isHostName(Names.stripDot(zone))) {
                throw new CliException("\"" + zone + "\" is not a zone name");
            }
            long started = System.nanoTime();
            ZoneFileReader.Imported imported;
            try {
                imported = ZoneFileReader.read(file, zone, skipUnsupported, n -> {
                    err.printf("  %,d records read%n", n);
                    err.flush();
                });
            } catch (NoSuchFileException e) {
                throw new CliException("cannot read " + file + ": no such file");
            } catch (IllegalArgumentException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
            out.printf("read %s: %,d records in %,d record sets (%.1f s)%n", file, imported.records(), imported.entries().size(),
                    (System.nanoTime() - started) / 1e9);
            imported.notes().forEach(n -> out.println("note: " + n));
            try (ControlPlane cp = ZoneCommand.open(control)) {
                ControlPlane.Current current = cp.current().orElseThrow(() -> new CliException(
                        "no revision in " + cp.describe() + " to import into: apply a config document first"));
                ConfigDocument next = withZone(current.document(), imported);
                if (next.canonicalJson().equals(current.document().canonicalJson())) {
                    out.println("no changes: zone " + imported.origin() + " in revision " + current.revision() + " already has these records");
                    return 0;
                }
                err.println("  validating and storing the new revision (" + cp.describe() + ")");
                err.flush();
                long storing = System.nanoTime();
                var applied = cp.apply(next, "zone import " + imported.origin() + " " + file);
                applied.warnings().forEach(w -> out.println("warning: " + w));
                out.printf("revision %d stored: zone %s from %s (%.1f s); the file's serial %d is not used, Engawa keeps the serial%n",
                        applied.revision(), imported.origin(), file, (System.nanoTime() - storing) / 1e9, imported.fileSerial());
            }
            return 0;
        }

        /** The document with {@code zones.ZONE}'s records and SOA fields replaced (or the zone added). */
        static ConfigDocument withZone(ConfigDocument document, ZoneFileReader.Imported z) {
            ObjectNode root = document.tree().isObject() ? (ObjectNode) document.tree().deepCopy() : ConfigDocument.JSON.createObjectNode();
            ObjectNode zones = root.has("zones") && root.get("zones").isObject() ? (ObjectNode) root.get("zones") : root.putObject("zones");
            String key = zoneKey(zones, z.origin());
            ObjectNode zoneNode;
            if (key != null && zones.get(key).isObject()) {
                zoneNode = (ObjectNode) zones.get(key);
            } else {
                zoneNode = zones.putObject(Names.stripDot(z.origin()));
                zoneNode.put("ttl", z.soaTtl());
            }
            long ttl = zoneNode.path("ttl").isIntegralNumber() ? zoneNode.get("ttl").asLong() : 3600;
            ObjectNode soa = zoneNode.putObject("soa");
            soa.put("primary", z.primary());
            soa.put("contact", z.contact());
            soa.put("refresh", z.refresh());
            soa.put("retry", z.retry());
            soa.put("expire", z.expire());
            soa.put("minimum", z.minimum());
            ArrayNode records = zoneNode.putArray("records");
            for (ZoneFileReader.Entry e : z.entries()) {
                ObjectNode r = records.addObject();
                r.put("name", e.name());
                r.put("type", e.type());
                if (e.ttl() != ttl) {
                    r.put("ttl", e.ttl());
                }
                if (e.site() != null) {
                    r.put("site", e.site());
                } else {
                    ArrayNode values = r.putArray("values");
                    e.values().forEach(values::add);
                }
            }
            return new ConfigDocument(root, document.baseDir());
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a zone of the current revision as a master file: the SOA with Engawa's serial, every record, "
                    + "ALIAS flattened to the addresses it answers (and kept as a comment, so import restores it).")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ZONE")
        String zone;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of standard output")
        Path output;

        @Mixin
        ControlOptions control;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (ControlPlane cp = ZoneCommand.open(control)) {
                ControlPlane.Current current = cp.current().orElseThrow(() -> new CliException("no revision in " + cp.describe()));
                EngawaConfig config = EngawaConfig.read(current.document());
                ZoneConfig z = config.zones().get(Names.absolute(zone));
                if (z == null) {
                    throw new CliException("revision " + current.revision() + " has no zone " + Names.absolute(zone)
                            + " (zones: " + String.join(", ", config.zones().keySet()) + ")");
                }
                ZoneContent content = ZoneContent.of(z, config.edge());
                long serial = serial(cp, current, config, content);
                String comment = "exported by Engawa from revision " + current.revision() + ", serial " + serial;
                if (output == null) {
                    Writer w = spec.commandLine().getOut();
                    ZoneFileWriter.write(content, serial, comment, w);
                } else {
                    try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                        ZoneFileWriter.write(content, serial, comment, w);
                    }
                    spec.commandLine().getErr().printf("wrote %s: %s serial %d%n", output, z.name(), serial);
                }
            }
            return 0;
        }

        /**
         * The serial the zone has: from the store when the command works on it, else asked of the server's DNS
         * listener (next to its admin API), else the revision number (what the server gives a changed zone).
         */
        private long serial(ControlPlane cp, ControlPlane.Current current, EngawaConfig config, ZoneContent content) {
            if (cp instanceof StoreControl sc) {
                return ZoneSerials.serialFor(sc.store(), content.origin(), content.digest(), current.revision());
            }
            BindAddress dns = config.listen().dns();
            if (dns != null && control.admin != null) {
                try {
                    SimpleResolver resolver = new SimpleResolver(URI.create(control.admin).getHost());
                    resolver.setPort(dns.port());
                    resolver.setTimeout(Duration.ofSeconds(3));
                    Lookup lookup = new Lookup(content.origin(), Type.SOA);
                    lookup.setResolver(resolver);
                    lookup.setCache(null);
                    var records = lookup.run();
                    if (records != null && records.length > 0) {
                        return ((SOARecord) records[0]).getSerial();
                    }
                } catch (IOException | RuntimeException e) {
                    // Fall through to the revision number.
                }
            }
            spec.commandLine().getErr().println("note: serial from the revision number; the server's DNS listener did not say");
            return current.revision();
        }
    }

    /** The admin API when given (or named by the current document and reachable), the store otherwise. */
    static ControlPlane open(ControlOptions control) {
        ControlPlane cp = control.open(null);
        if (cp instanceof StoreControl) {
            var current = cp.current();
            if (current.isPresent()) {
                ControlPlane api = control.open(current.get().document());
                if (api instanceof AdminApiControl) {
                    cp.close();
                    return api;
                }
                api.close();
            }
        }
        return cp;
    }

    private static String zoneKey(ObjectNode zones, String origin) {
        for (Iterator<String> it = zones.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (Names.absolute(key).equals(origin)) {
                return key;
            }
        }
        return null;
    }
}
