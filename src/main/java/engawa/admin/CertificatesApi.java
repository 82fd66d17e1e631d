package engawa.admin;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.ConfigDocument;
import engawa.config.Names;
import engawa.tls.Certificates;
import engawa.tls.CertifiedKey;
import engawa.tls.InternalCa;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Certificates on demand, for a cutover's {@code issue_certificate} step (docs/cutover.md):
 * <ul>
 * <li>{@code POST /api/v1/certificates} {@code {"name": N, "issuer": "internal", "hosts": [...]}} issues a
 * certificate named N from the issuer and keeps it in the store, where a later revision whose
 * {@code certificates.N} has that issuer finds it. Answers {@code {"name", "issuer", "hosts", "not_after",
 * "fingerprint"}}.</li>
 * <li>{@code GET /api/v1/internal-ca}: the internal CA's certificate ({@code {"name", "certificate": PEM,
 * "not_after"}}), created on first use, so that a client can check what this instance issued.</li>
 * </ul>
 * Runs on virtual threads (store, key generation).
 */
final class CertificatesApi {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Certificates certificates;

    CertificatesApi(Certificates certificates) {
        this.certificates = certificates;
    }

    void register(AdminRouter router) {
        router.post("/api/v1/certificates", this::issue)
                .get("/api/v1/internal-ca", this::ca);
    }

    private AdminResponse issue(AdminRequest request) {
        JsonNode body;
        try {
            body = ConfigDocument.JSON.readTree(request.body().length == 0 ? "{}".getBytes() : request.body());
        } catch (IOException e) {
            throw new ApiException(400, "not JSON: " + e.getMessage());
        }
        String name = body.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new ApiException(400, "name: \"" + name + "\" is not a certificate name");
        }
        String issuer = body.path("issuer").asText("");
        if (certificates.issuer(issuer).isEmpty()) {
            throw new ApiException(400, "issuer: \"" + issuer + "\" is not an issuer of this instance (internal)");
        }
        List<String> hosts = new ArrayList<>();
        for (JsonNode h : body.path("hosts")) {
            String s = h.asText("");
            if (!Names.isSiteHost(s)) {
                throw new ApiException(400, "hosts: \"" + s + "\" is not a host name or a wildcard such as *.example.test");
            }
            hosts.add(Names.normalize(s));
        }
        if (hosts.isEmpty()) {
            throw new ApiException(400, "hosts: at least one host name to issue for");
        }
        CertifiedKey issued = certificates.issue(name, issuer, hosts);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("issuer", issuer);
        out.put("hosts", issued.dnsNames());
        out.put("not_after", issued.notAfter().toString());
        out.put("fingerprint", issued.fingerprint());
        return AdminResponse.ok(out);
    }

    private AdminResponse ca(AdminRequest request) {
        InternalCa ca = certificates.internal().ca();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", ca.name());
        out.put("certificate", ca.certificatePem());
        out.put("not_after", ca.certificate().getNotAfter().toInstant().toString());
        return AdminResponse.ok(out);
    }
}
