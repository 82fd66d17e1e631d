package engawa.tunnel;

import java.util.List;

/**
 * The edge's answer to a {@link Hello}: the tunnel is open (its name, the public URLs, the public TCP port of
 * a TCP tunnel, the keep-alive interval the edge pings at), or refused with a code and a sentence saying why.
 */
public record HelloReply(boolean ok, String name, List<String> urls, int port, long keepaliveMillis, Refusal refusal) {

    public HelloReply {
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public static HelloReply open(String name, List<String> urls, int port, long keepaliveMillis) {
        return new HelloReply(true, name, urls, port, keepaliveMillis, null);
    }

    public static HelloReply refused(Refusal refusal) {
        return new HelloReply(false, null, List.of(), 0, 0, refusal);
    }
}
