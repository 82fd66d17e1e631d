package engawa.tunnel;

import engawa.snapshot.Services;
import engawa.snapshot.SnapshotHolder;
import java.util.function.IntSupplier;

/**
 * What the tunnel listener needs from the server: the current snapshot (tokens, domain, certificate), the
 * shared services (event loops, the tunnel registry, the blocking executor), and the ports of the edge's
 * HTTP and HTTPS listeners, which the public URLs name (0 when there is none).
 */
public record TunnelListenerContext(SnapshotHolder snapshots, Services services, IntSupplier httpPort, IntSupplier httpsPort) {
}
