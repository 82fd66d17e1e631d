package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.Names;
import engawa.config.Node;
import engawa.config.Problems;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a plan document (YAML or JSON) into a {@link CutoverPlan}, validated like the config: unknown keys,
 * missing values and references to targets that do not exist are errors naming their path
 * ({@code steps[3].change.site: required}); all of them are reported at once as a {@link ConfigException}.
 * Expands {@code move:} into its four steps and {@code prepare: {lower_ttl}} into one step per zone changed.
 */
public final class PlanReader {
    /** The admin API of {@code local}, the target a plan without {@code targets:} acts on. */
    public static final String DEFAULT_ADMIN = "http://127.0.0.1:9080";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final List<String> EXPECT_DNS = List.of("present", "absent", "referral", "edge_of_site", "values");

    private final Problems problems = new Problems();
    private final Map<String, CutoverPlan.Target> targets = new LinkedHashMap<>();
    private final Path baseDir;

    private PlanReader(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** Reads {@code file}; {@code localAdmin} (null: {@value #DEFAULT_ADMIN}) is where target {@code local} is. */
    public static CutoverPlan read(Path file, String localAdmin) {
        ConfigDocument doc = ConfigDocument.load(file);
        return read(doc.tree(), doc.baseDir(), file, localAdmin);
    }

    public static CutoverPlan read(JsonNode tree, Path baseDir, Path file, String localAdmin) {
        return new PlanReader(baseDir).plan(tree, file, localAdmin == null ? DEFAULT_ADMIN : localAdmin);
    }

    private CutoverPlan plan(JsonNode tree, Path file, String localAdmin) {
        Node root = Node.root(tree, problems, baseDir);
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("", "a cutover plan is a mapping (cutover, targets, steps, ...)");
        }
        root.keys("cutover", "targets", "steps", "move", "settle", "timeout", "on_failure", "prepare", "lease");
        String name = root.get("cutover").text();
        if (name != null && !NAME.matcher(name).matches()) {
            root.get("cutover").error("\"" + name + "\" is not a cutover name (letters, digits, . _ -; at most 100)");
        }
        Node t = root.get("targets");
        if (!t.present()) {
            targets.put("local", new CutoverPlan.Target("local", URI.create(localAdmin), "ENGAWA_TOKEN"));
        }
        t.entries().forEach((tn, n) -> {
            n.keys("admin", "token_env");
            String admin = tn.equals("local") && !n.get("admin").present() ? localAdmin : n.get("admin").text();
            URI uri = null;
            if (admin != null) {
                try {
                    uri = URI.create(admin);
                    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                        n.get("admin").error("\"" + admin + "\" is not an http://HOST:PORT admin URL");
                    }
                } catch (IllegalArgumentException e) {
                    n.get("admin").error("\"" + admin + "\" is not a URL");
                }
            }
            String env = n.get("token_env").text(null);
            targets.put(tn, new CutoverPlan.Target(tn, uri, env));
        });
        if (t.present() && targets.isEmpty()) {
            t.error("at least one target");
        }
        Duration settle = root.get("settle").duration(Duration.ofSeconds(1));
        Duration timeout = root.get("timeout").duration(Duration.ofSeconds(30));
        Duration lease = root.get("lease").duration(Duration.ofSeconds(15));
        if (lease.toMillis() < 1000) {
            root.get("lease").error("at least 1s");
        }
        String failure = root.get("on_failure").oneOf("rollback", "rollback", "stop");
        Node prepare = root.get("prepare");
        prepare.keys("lower_ttl");
        Duration lowerTtl = prepare.get("lower_ttl").present() ? prepare.get("lower_ttl").duration(null) : null;

        List<CutoverPlan.Step> steps = new ArrayList<>();
        if (root.get("move").present()) {
            if (root.get("steps").present()) {
                root.get("move").error("give either move or steps (a step may be a move), not both");
            }
            steps.addAll(move(root.get("move"), null));
        }
        for (Node s : root.get("steps").list()) {
            if (s.get("move").present()) {
                s.keys("move");
                steps.addAll(move(s.get("move"), null));
            } else {
                CutoverPlan.Step step = step(s);
                if (step != null) {
                    steps.add(step);
                }
            }
        }
        if (!root.get("move").present() && steps.isEmpty() && !problems.hasErrors()) {
            root.get("steps").error("a plan has at least one step (or a move)");
        }
        if (lowerTtl != null && !problems.hasErrors()) {
            steps.addAll(0, prepareSteps(steps, lowerTtl));
        }
        problems.throwIfErrors();
        return new CutoverPlan(name, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets)),
                List.copyOf(steps), settle, timeout,
                failure.equals("stop") ? CutoverPlan.OnFailure.STOP : CutoverPlan.OnFailure.ROLLBACK, lowerTtl, lease, file);
    }

    /** One {@code lower_ttl} step per (instance, existing zone) whose answers a later step changes. */
    private static List<CutoverPlan.Step> prepareSteps(List<CutoverPlan.Step> steps, Duration ttl) {
        Set<String> seen = new LinkedHashSet<>();
        List<CutoverPlan.Step> out = new ArrayList<>();
        for (CutoverPlan.Step s : steps) {
            if (s.change() instanceof ChangeOp.CreateZone) {
                continue; // a zone that does not exist yet has no TTL to lower
            }
            for (String zone : s.change().zones()) {
                if (seen.add(s.on() + " " + zone)) {
                    out.add(new CutoverPlan.Step("lower the TTLs of " + zone + " on " + s.on() + " to " + ttl.toSeconds() + "s",
                            s.on(), new ChangeOp.LowerTtl(zone, ttl), List.of(), "prepare"));
                }
            }
        }
        return out;
    }

    private CutoverPlan.Step step(Node s) {
        s.keys("name", "on", "change", "checks");
        String on = target(s.get("on"), true);
        String name = s.get("name").text(null);
        ChangeOp op = change(s.get("change"));
        List<Check> checks = new ArrayList<>();
        for (Node c : s.get("checks").list()) {
            Check check = check(c);
            if (check != null) {
                checks.add(check);
            }
        }
        if (op == null || on == null) {
            return null;
        }
        return new CutoverPlan.Step(name == null ? op.describe() : name, on, op, List.copyOf(checks), null);
    }

    private ChangeOp change(Node c) {
        if (!c.present()) {
            c.error("required: the change this step makes (op: ...)");
            return null;
        }
        String op = c.get("op").oneOf(null, "create_zone", "delete_zone", "set_record", "delete_record", "delegate",
                "issue_certificate", "set_site_hosts", "set_site_tls");
        if (op == null) {
            if (!c.get("op").present()) {
                c.get("op").error("required");
            }
            return null;
        }
        return switch (op) {
            case "create_zone" -> {
                c.keys("op", "zone", "copy_from", "except");
                String zone = zoneName(c.get("zone"));
                ChangeOp.CreateZone.CopyFrom from = null;
                Node cf = c.get("copy_from");
                if (cf.present()) {
                    cf.keys("target", "zone", "name");
                    String target = target(cf.get("target"), false);
                    String z = zoneName(cf.get("zone"));
                    String n = cf.get("name").text("@");
                    from = new ChangeOp.CreateZone.CopyFrom(target, z, n);
                }
                Set<String> except = new LinkedHashSet<>();
                for (String e : c.get("except").strings()) {
                    except.add(e.toUpperCase(Locale.ROOT));
                }
                if (!cf.present() && c.get("except").present()) {
                    c.get("except").error("except goes with copy_from");
                }
                yield zone == null ? null : new ChangeOp.CreateZone(zone, from, java.util.Collections.unmodifiableSet(except));
            }
            case "delete_zone" -> {
                c.keys("op", "zone");
                String zone = zoneName(c.get("zone"));
                yield zone == null ? null : new ChangeOp.DeleteZone(zone);
            }
            case "set_record" -> {
                c.keys("op", "zone", "record");
                String zone = zoneName(c.get("zone"));
                Node r = c.get("record");
                r.keys("name", "type", "ttl", "values", "site");
                r.get("name").text();
                String type = r.get("type").text();
                if (type != null && "SOA".equalsIgnoreCase(type)) {
                    r.get("type").error("the SOA is not a record to set");
                }
                if ("ALIAS".equalsIgnoreCase(type) && !r.get("site").present()) {
                    r.get("site").error("an ALIAS record names a site (site: NAME)");
                }
                yield zone == null || !r.isObject() ? null : new ChangeOp.SetRecord(zone, r.json().deepCopy());
            }
            case "delete_record" -> {
                c.keys("op", "zone", "name", "type");
                String zone = zoneName(c.get("zone"));
                String n = c.get("name").text();
                String type = c.get("type").text(null);
                yield zone == null || n == null ? null : new ChangeOp.DeleteRecord(zone, n, type == null ? null : type.toUpperCase(Locale.ROOT));
            }
            case "delegate" -> {
                c.keys("op", "zone", "child", "to");
                String zone = zoneName(c.get("zone"));
                String child = zoneName(c.get("child"));
                String to = target(c.get("to"), false);
                if (zone != null && child != null) {
                    String z = Names.absolute(zone);
                    String ch = Names.absolute(child);
                    if (!ch.endsWith("." + z)) {
                        c.get("child").error(ch + " is not below zone " + z);
                    }
                }
                yield zone == null || child == null || to == null ? null : new ChangeOp.Delegate(zone, child, to);
            }
            case "issue_certificate" -> {
                c.keys("op", "name", "hosts", "issuer");
                String n = c.get("name").text();
                List<String> hosts = hosts(c.get("hosts"));
                if (hosts.isEmpty() && c.get("hosts").present()) {
                    c.get("hosts").error("at least one host");
                } else if (!c.get("hosts").present()) {
                    c.get("hosts").error("required");
                }
                String issuer = c.get("issuer").oneOf("internal", "internal");
                yield n == null || hosts.isEmpty() ? null : new ChangeOp.IssueCertificate(n, hosts, issuer);
            }
            case "set_site_hosts" -> {
                c.keys("op", "site", "hosts", "add", "remove", "tls");
                String site = c.get("site").text();
                boolean whole = c.get("hosts").present();
                if (whole == (c.get("add").present() || c.get("remove").present())) {
                    c.error(whole ? "give hosts, or add/remove, not both" : "give hosts (the whole list) or add/remove");
                }
                List<String> hosts = whole ? hosts(c.get("hosts")) : null;
                String tls = c.get("tls").text(null);
                yield site == null ? null : new ChangeOp.SetSiteHosts(site, hosts == null ? null : List.copyOf(hosts),
                        hosts(c.get("add")), hosts(c.get("remove")), tls);
            }
            case "set_site_tls" -> {
                c.keys("op", "site", "tls");
                String site = c.get("site").text();
                String tls = c.get("tls").text();
                yield site == null || tls == null ? null : new ChangeOp.SetSiteTls(site, tls);
            }
            default -> null;
        };
    }

    private Check check(Node c) {
        c.keys("dns", "tls", "http");
        int kinds = (c.get("dns").present() ? 1 : 0) + (c.get("tls").present() ? 1 : 0) + (c.get("http").present() ? 1 : 0);
        if (kinds != 1) {
            c.error("a check is one of dns, tls or http");
            return null;
        }
        if (c.get("dns").present()) {
            Node d = c.get("dns");
            d.keys("server", "name", "type", "expect", "values", "site", "timeout");
            String server = target(d.get("server"), true);
            String name = d.get("name").text();
            if (name != null && !Names.isHostName(Names.stripDot(name)) && !name.startsWith("_")) {
                d.get("name").error("\"" + name + "\" is not a domain name");
            }
            String type = d.get("type").text("A").toUpperCase(Locale.ROOT);
            if (org.xbill.DNS.Type.value(type) < 0) {
                d.get("type").error("\"" + type + "\" is not a record type");
            }
            List<String> values = d.get("values").strings();
            String expect = d.get("expect").oneOf(values.isEmpty() ? "present" : "values", EXPECT_DNS.toArray(String[]::new));
            if (expect != null && expect.equals("values") && values.isEmpty()) {
                d.get("values").error("expect: values needs the values");
            }
            if (expect != null && expect.equals("edge_of_site") && !type.equals("A") && !type.equals("AAAA")) {
                d.get("type").error("edge_of_site is about A or AAAA answers");
            }
            String site = d.get("site").text(null);
            Duration timeout = d.get("timeout").present() ? d.get("timeout").duration(null) : null;
            return server == null || name == null ? null
                    : new Check.Dns(server, Names.absolute(name), type, expect, List.copyOf(values), site, timeout);
        }
        if (c.get("tls").present()) {
            Node d = c.get("tls");
            d.keys("server", "host", "expect", "ca", "timeout");
            String server = target(d.get("server"), true);
            String host = d.get("host").text();
            d.get("expect").oneOf("valid", "valid");
            Path ca = d.get("ca").present() ? d.get("ca").file() : null;
            if (ca != null && !java.nio.file.Files.isReadable(ca)) {
                d.get("ca").error("cannot read " + ca);
            }
            Duration timeout = d.get("timeout").present() ? d.get("timeout").duration(null) : null;
            return server == null || host == null ? null : new Check.Tls(server, Names.normalize(host), ca, timeout);
        }
        Node d = c.get("http");
        d.keys("server", "url", "expect_status", "expect_body_contains", "expect_header", "timeout");
        String server = target(d.get("server"), true);
        String url = d.get("url").text();
        if (url != null) {
            try {
                URI u = URI.create(url);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    d.get("url").error("\"" + url + "\" is not an http:// or https:// URL with a host");
                }
            } catch (IllegalArgumentException e) {
                d.get("url").error("\"" + url + "\" is not a URL");
            }
        }
        int status = (int) d.get("expect_status").integer(200, 100, 599);
        String body = d.get("expect_body_contains").text(null);
        Map<String, String> headers = new LinkedHashMap<>();
        d.get("expect_header").entries().forEach((k, v) -> headers.put(k, v.text("")));
        Duration timeout = d.get("timeout").present() ? d.get("timeout").duration(null) : null;
        return server == null || url == null ? null : new Check.Http(server, url, status, body, Map.copyOf(headers), timeout);
    }

    /**
     * {@code move: {host, from, to, zone}} on one instance: give {@code to} the wildcard above the host, point
     * the host's record at {@code to}, take the host off {@code from}, narrow {@code to}'s wildcard to the host.
     */
    private List<CutoverPlan.Step> move(Node m, String defaultOn) {
        m.keys("host", "from", "to", "zone", "on", "tls", "ca", "url", "expect_status", "expect_body_contains");
        String host = m.get("host").text();
        String from = m.get("from").text();
        String to = m.get("to").text();
        String zone = zoneName(m.get("zone"));
        String on = target(m.get("on"), true);
        String tls = m.get("tls").text(null);
        Path ca = m.get("ca").present() ? m.get("ca").file() : null;
        int status = (int) m.get("expect_status").integer(200, 100, 599);
        String body = m.get("expect_body_contains").text(null);
        if (host == null || from == null || to == null || zone == null || on == null) {
            return List.of();
        }
        host = Names.normalize(host);
        String abs = Names.absolute(host);
        String origin = Names.absolute(zone);
        if (!abs.endsWith("." + origin) && !abs.equals(origin)) {
            m.get("host").error(host + " is not in zone " + origin);
            return List.of();
        }
        int dot = host.indexOf('.');
        String wildcard = "*." + host.substring(dot + 1);
        String url = m.get("url").text("https://" + host + "/");
        Check tlsCheck = new Check.Tls(on, host, ca, null);
        Check http = new Check.Http(on, url, status, body, Map.of(), null);
        String rel = DocumentTree.relative(abs, origin);
        var record = DocumentTree.NODES.objectNode().put("name", rel).put("type", "ALIAS").put("site", to);
        return List.of(
                new CutoverPlan.Step("wildcard name " + wildcard + " on " + to, on,
                        new ChangeOp.SetSiteHosts(to, null, List.of(wildcard), List.of(), tls), List.of(tlsCheck), "move"),
                new CutoverPlan.Step("point " + host + " at " + to, on,
                        new ChangeOp.SetRecord(zone, record), List.of(new Check.Dns(on, abs, "A", "edge_of_site", List.of(), to, null)), "move"),
                new CutoverPlan.Step("take " + host + " off " + from, on,
                        new ChangeOp.SetSiteHosts(from, null, List.of(), List.of(host), null), List.of(tlsCheck, http), "move"),
                new CutoverPlan.Step("narrow " + wildcard + " to " + host + " on " + to, on,
                        new ChangeOp.SetSiteHosts(to, null, List.of(host), List.of(wildcard), null), List.of(tlsCheck, http), "move"));
    }

    private String target(Node n, boolean defaultOne) {
        String name = n.text(null);
        if (name == null) {
            if (defaultOne && targets.size() == 1) {
                return targets.keySet().iterator().next();
            }
            if (defaultOne && targets.containsKey("local")) {
                return "local";
            }
            n.error("required: one of the targets (" + String.join(", ", targets.keySet()) + ")");
            return null;
        }
        if (!targets.containsKey(name)) {
            n.error("no target named \"" + name + "\" (targets: " + String.join(", ", targets.keySet()) + ")");
            return null;
        }
        return name;
    }

    private String zoneName(Node n) {
        String z = n.text();
        if (z != null && !Names.isHostName(Names.stripDot(z))) {
            n.error("\"" + z + "\" is not a domain name");
            return null;
        }
        return z;
    }

    private List<String> hosts(Node n) {
        List<String> out = new ArrayList<>();
        List<Node> items = n.list();
        for (Node h : items) {
            String s = h.text(null);
            if (s == null) {
                continue;
            }
            if (!Names.isSiteHost(s)) {
                h.error("\"" + s + "\" is not a host name or a wildcard such as *.example.test");
            } else {
                out.add(Names.normalize(s));
            }
        }
        return out;
    }
}
