package engawa.admin;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One admin API call, read whole and detached from Netty (the body is a copy), so that a route can run on a
 * virtual thread. {@code params} holds the path's {@code {name}} parts; {@code principal} names who was let
 * in ({@code token ops}, {@code 127.0.0.1}).
 */
public record AdminRequest(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                           byte[] body, InetSocketAddress peer, Map<String, String> params, String principal) {

    /** A path parameter declared by the route's pattern. */
    public String param(String name) {
        return params.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    AdminRequest with(Map<String, String> params, String principal) {
        return new AdminRequest(method, path, query, headers, body, peer, params, principal);
    }
}
