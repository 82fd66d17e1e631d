package engawa.tunnel.client;

import java.util.function.Consumer;

/** What every stream of one client shares: the local service's connections, the inspector (or null), the request lines' sink. */
record ClientContext(LocalPool pool, Inspector inspector, Consumer<RequestLine> lines) {
}
