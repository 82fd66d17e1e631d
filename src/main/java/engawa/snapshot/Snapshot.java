package engawa.snapshot;

import engawa.config.ConfigDocument;
import engawa.config.EngawaConfig;
import engawa.dns.DnsIndex;
import engawa.http.HttpRouting;
import engawa.tls.TlsIndex;
import engawa.upstream.UpstreamSet;

/**
 * Everything a listener needs to answer, compiled from one config revision: immutable, shared by every
 * connection without locks, and replaced as a whole when a new revision is applied. A request keeps the
 * snapshot it started with, so a reload never changes the rules under a request in flight.
 */
public record Snapshot(long revision, ConfigDocument document, EngawaConfig config, HttpRouting http, UpstreamSet upstreams,
                       TlsIndex tls, DnsIndex dns) {

    /** The same snapshot under the number the store gave its revision. */
    public Snapshot withRevision(long number) {
        return new Snapshot(number, document, config, http, upstreams, tls, dns.withRevision(number));
    }
}
