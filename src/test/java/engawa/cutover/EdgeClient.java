package engawa.cutover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A user of www.example.test during a cutover, written apart from the product's own resolver: an iterative
 * DNS lookup starting at the parent zone's server (following a referral through its glue, on the same port, as
 * glue carries none), then {@code curl} to the address found, with the name as SNI and Host.
 */
final class EdgeClient {
    private final int dnsPort;
    private final int httpsPort;

    EdgeClient(int dnsPort, int httpsPort) {
        this.dnsPort = dnsPort;
        this.httpsPort = httpsPort;
    }

    /** What one visit saw: the address, the status and the body; or why it failed. */
    record Visit(String address, int status, String body, String failure) {
        boolean ok() {
            return failure == null && status == 200 && (body.contains("peacock") || body.contains("parrot"));
        }
    }

    Visit visit(String host) {
        String address;
        try {
            address = resolve(host);
        } catch (IOException e) {
            return new Visit(null, 0, "", "DNS: " + e.getMessage());
        }
        try {
            Process p = new ProcessBuilder("curl", "-sk", "--max-time", "5", "--resolve", host + ":" + httpsPort + ":" + address,
                    "-w", "\n%{http_code}", "https://" + host + ":" + httpsPort + "/").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Visit(address, 0, "", "curl timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int nl = out.lastIndexOf('\n');
            int status = Integer.parseInt(out.substring(nl + 1).trim());
            return new Visit(address, status, out.substring(0, Math.max(0, nl)), p.exitValue() == 0 ? null : "curl exit " + p.exitValue());
        } catch (IOException | NumberFormatException e) {
            return new Visit(address, 0, "", "curl: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Visit(address, 0, "", "interrupted");
        }
    }

    /** The A record of {@code host}, from 127.0.0.1 (the parent zone's server) through referrals. */
    String resolve(String host) throws IOException {
        InetAddress server = InetAddress.getByName("127.0.0.1");
        for (int hop = 0; hop < 4; hop++) {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(server, dnsPort));
            r.setTimeout(Duration.ofSeconds(3));
            Message q = Message.newQuery(Record.newRecord(Name.fromString(host + "."), Type.A, DClass.IN));
            q.getHeader().unsetFlag(Flags.RD);
            Message m = r.send(q);
            List<Record> answer = m.getSection(Section.ANSWER);
            for (Record a : answer) {
                if (a instanceof ARecord ar) {
                    return ar.getAddress().getHostAddress();
                }
            }
            if (m.getHeader().getFlag(Flags.AA)) {
                throw new IOException(server + " has no A record for " + host + " (rcode " + m.getRcode() + ")");
            }
            String ns = m.getSection(Section.AUTHORITY).stream().filter(x -> x instanceof NSRecord)
                    .map(x -> ((NSRecord) x).getTarget()).findFirst().orElseThrow(() -> new IOException("no answer, no referral")).toString();
            server = m.getSection(Section.ADDITIONAL).stream().filter(x -> x instanceof ARecord && x.getName().toString().equals(ns))
                    .map(x -> ((ARecord) x).getAddress()).findFirst().orElseThrow(() -> new IOException("referral without glue"));
        }
        throw new IOException("too many referrals");
    }
}
