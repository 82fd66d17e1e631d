package engawa.cli;

import engawa.config.Names;
import engawa.store.Store;
import engawa.tls.CertifiedKey;
import engawa.tls.InternalCa;
import engawa.tls.InternalIssuer;
import engawa.tls.PemFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code engawa cert}: the built-in local CA, the one {@code issuer: internal} certificates come from. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "The built-in local CA (kept in the store, shared by every node using it).",
        subcommands = {CertCommand.Internal.class, CertCommand.Trust.class})
final class CertCommand implements Runnable {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: internal or trust");
    }

    @Command(name = "internal", mixinStandardHelpOptions = true,
            description = "Issue a certificate and key for HOST... from the local CA (created on first use) "
                    + "and write them as HOST.crt and HOST.key.")
    static final class Internal implements Callable<Integer> {
        @Parameters(paramLabel = "HOST", arity = "1..*", description = "host names; wildcards such as *.example.test allowed")
        List<String> hosts;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "folder to write to (default: current)")
        Path out;

        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<String> names = new ArrayList<>();
            for (String h : hosts) {
                if (!Names.isSiteHost(h)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "\"" + h + "\" is not a host name or a wildcard such as *.example.test");
                }
                String n = Names.normalize(h);
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
            CertifiedKey issued;
            String caName;
            try (Store s = open(store)) {
                InternalIssuer issuer = new InternalIssuer(s);
                issued = issuer.issue(names);
                caName = issuer.ca().name();
            }
            String base = names.get(0).replace("*", "_wildcard") + (names.size() > 1 ? "+" + (names.size() - 1) : "");
            Path crt = out.resolve(base + ".crt");
            Path key = out.resolve(base + ".key");
            try {
                Files.createDirectories(out);
                Files.writeString(crt, PemFiles.encodeChain(issued.chain()));
                writePrivate(key, PemFiles.encodeKey(issued.key()));
            } catch (IOException e) {
                throw new CliException("cannot write to " + out + ": " + e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.printf("%s: certificate for %s, issued by %s, valid until %s%n", crt, String.join(", ", names), caName,
                    DAY.format(issued.notAfter()));
            o.printf("%s: its private key (EC P-256, PKCS#8)%n", key);
            o.println("Clients trust it once they trust the CA: see engawa cert trust");
            return 0;
        }

        private static void writePrivate(Path file, String content) throws IOException {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, content);
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = "Print the local CA's certificate (PEM, on stdout) and how to make clients trust it "
                    + "(on stderr). Creates the CA if the store has none yet.")
    static final class Trust implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            InternalCa ca;
            String where;
            try (Store s = open(store)) {
                ca = InternalCa.loadOrCreate(s);
                where = s.describe();
            }
            PrintWriter o = spec.commandLine().getOut();
            o.print(ca.certificatePem());
            o.flush();
            PrintWriter e = spec.commandLine().getErr();
            e.printf("""
                    %s (kept in %s), valid until %s.
                    Save it:          engawa cert trust %s> engawa-ca.crt
                    curl:             curl --cacert engawa-ca.crt https://HOST/
                    Debian, Ubuntu:   sudo cp engawa-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates
                    Firefox:          Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import,
                                      then tick "Trust this CA to identify websites"
                    Chrome, Chromium: on Linux, certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n "%s" -i engawa-ca.crt
                                      (package libnss3-tools); elsewhere it uses the system's trust store
                    Java:             keytool -importcert -cacerts -alias engawa-local-ca -file engawa-ca.crt
                    Anyone holding this store can issue certificates your machine then trusts: keep it private.
                    """, ca.name(), where, DAY.format(ca.certificate().getNotAfter().toInstant()), storeArgs(), ca.name());
            e.flush();
            return 0;
        }

        private String storeArgs() {
            if (store.store != null) {
                return "--store URL ";
            }
            return store.data.equals(Path.of("engawa-data")) ? "" : "--data " + store.data + " ";
        }
    }

    private static Store open(StoreOptions options) {
        try {
            return Store.open(options.data, options.store);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
