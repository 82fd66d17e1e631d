package engawa.tunnel;

import java.time.Instant;
import java.util.List;

/**
 * A tunnel as the admin API shows it: its name, kind, owning token, public URLs (and TCP port), whether it
 * is exclusive, since when it is served (or until when it stays reserved with no client on), what went
 * through it, and its clients.
 */
public record TunnelView(String name, String kind, String token, List<String> urls, int port, boolean exclusive,
                         Instant since, Instant reservedUntil, long requests, long bytesIn, long bytesOut,
                         List<Client> clients) {

    /** One connected client: where from, since when, and its share of the traffic. */
    public record Client(String address, Instant since, long requests, long bytesIn, long bytesOut, int streams) {
    }
}
