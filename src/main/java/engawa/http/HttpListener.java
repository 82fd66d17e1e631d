package engawa.http;

import engawa.config.BindAddress;
import engawa.net.TcpListener;

/** An HTTP or HTTPS listener: a server socket whose connections get {@link HttpServerInitializer}'s pipeline. */
public final class HttpListener extends TcpListener {

    public HttpListener(String role, BindAddress address, HttpListenerContext lc) {
        super(role, address);
        var services = lc.services();
        bind(bootstrap(services.workers(), services.transport(), 4096, new HttpServerInitializer(lc)));
    }
}
