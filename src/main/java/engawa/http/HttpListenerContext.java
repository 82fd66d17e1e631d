package engawa.http;

import engawa.snapshot.Services;
import engawa.snapshot.SnapshotHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * What every HTTP connection of one listener shares.
 *
 * @param tls        builds the TLS handler (certificate chosen by SNI) for a new connection; null for plain HTTP
 * @param httpsPort  the https listener's port, for http-to-https redirects (0: none)
 */
public record HttpListenerContext(SnapshotHolder snapshots, Services services, HttpConnections connections,
                                  Function<Channel, ChannelHandler> tls, IntSupplier httpsPort) {

    public boolean secure() {
        return tls != null;
    }
}
