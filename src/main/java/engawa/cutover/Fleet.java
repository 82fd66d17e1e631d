package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.BindAddress;
import engawa.config.Names;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan's instances as the runner reaches them: an admin client per target, and each instance's live facts
 * ({@link Instance}): its document now, its listeners as bound and its internal CA (both read once; a cutover
 * changes neither). Thread-safe.
 */
final class Fleet implements AutoCloseable {

    /** One instance now: its address (the admin URL's host), its listeners, its live document and revision. */
    record Instance(String name, InetAddress address, Map<String, String> listeners, TargetClient.Live live) {

        /** Where its listener of {@code role} ({@code dns}, {@code https}, {@code http}) is reached. */
        InetSocketAddress socket(String role) {
            String bound = listeners.get(role);
            if (bound == null) {
                throw new CutoverException(name + " has no " + role + " listener");
            }
            BindAddress b = BindAddress.parse(bound);
            InetAddress host = address;
            if (!b.allAddresses()) {
                try {
                    host = InetAddress.getByName(b.host());
                } catch (UnknownHostException e) {
                    host = address;
                }
            }
            return new InetSocketAddress(host, b.port());
        }

        JsonNode document() {
            return live.document();
        }
    }

    private final CutoverPlan plan;
    private final Map<String, TargetClient> clients = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> listeners = new ConcurrentHashMap<>();
    private final Map<String, X509Certificate> cas = new ConcurrentHashMap<>();

    Fleet(CutoverPlan plan, Map<String, String> env) {
        this.plan = plan;
        plan.targets().values().forEach(t -> clients.put(t.name(), new TargetClient(t, env)));
    }

    CutoverPlan plan() {
        return plan;
    }

    TargetClient client(String target) {
        TargetClient c = clients.get(target);
        if (c == null) {
            throw new CutoverException("no target named \"" + target + "\"");
        }
        return c;
    }

    Instance instance(String target) {
        TargetClient c = client(target);
        TargetClient.Live live = c.live();
        Map<String, String> l = listeners.computeIfAbsent(target, t -> c.listeners());
        return new Instance(target, address(target), l, live);
    }

    /** Every instance now, in plan order. */
    Map<String, Instance> instances() {
        Map<String, Instance> out = new LinkedHashMap<>();
        clients.keySet().forEach(t -> out.put(t, instance(t)));
        return out;
    }

    X509Certificate internalCa(String target) {
        return cas.computeIfAbsent(target, t -> client(t).internalCa());
    }

    InetAddress address(String target) {
        String host = client(target).target().admin().getHost();
        try {
            return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new CutoverException(target + ": cannot resolve the admin host " + host);
        }
    }

    Map<String, String> adminHosts() {
        Map<String, String> out = new LinkedHashMap<>();
        clients.forEach((n, c) -> {
            String h = c.target().admin().getHost();
            out.put(n, h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
        });
        return out;
    }

    /** A model of what the instances answer, from these documents. */
    ZoneModel model(Map<String, Instance> instances) {
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        instances.forEach((n, i) -> docs.put(n, i.document()));
        return new ZoneModel(docs, adminHosts());
    }

    /** The name of the site serving {@code host} in {@code doc} (exact name first, then a wildcard), or null. */
    static String siteServing(JsonNode doc, String host) {
        String wild = null;
        for (var it = doc.path("sites").fields(); it.hasNext(); ) {
            var e = it.next();
            for (JsonNode h : e.getValue().path("hosts")) {
                String pattern = Names.normalize(h.asText());
                if (pattern.equals(Names.normalize(host))) {
                    return e.getKey();
                }
                if (wild == null && Names.covers(pattern, host)) {
                    wild = e.getKey();
                }
            }
        }
        return wild;
    }

    /** Whether site {@code site} of {@code doc} has a host (exact or wildcard) covering {@code host}. */
    static boolean siteCovers(JsonNode doc, String site, String host) {
        for (JsonNode h : doc.path("sites").path(site).path("hosts")) {
            if (Names.covers(h.asText(), host)) {
                return true;
            }
        }
        return false;
    }

    static List<String> addressStrings(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).toList();
    }

    @Override
    public void close() {
        clients.values().forEach(TargetClient::close);
    }
}
