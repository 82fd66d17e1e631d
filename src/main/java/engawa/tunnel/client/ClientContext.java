package engawa.tunnel.client;

import engawa.tunnel.TunnelKind;
import java.util.function.Consumer;

/**
 * What every stream of one client shares: the kind of tunnel it serves, the local service's connections,
 * the inspector (or null), the request lines' sink.
 */
record ClientContext(TunnelKind kind, LocalPool pool, Inspector inspector, Consumer<RequestLine> lines) {
}
