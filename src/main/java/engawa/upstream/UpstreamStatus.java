package engawa.upstream;

import java.time.Instant;

/**
 * One server's state as the admin API shows it ({@code GET /api/v1/upstreams}).
 *
 * @param healthy     true when the server gets traffic: passing checks and not ejected
 * @param requests    requests sent to it since its pool started (retries included)
 * @param failures    connection errors and timeouts since its pool started
 * @param lastCheck   what the last active check found, null when the pool has no health_check
 * @param lastCheckAt when that check ended, null before the first
 */
public record UpstreamStatus(String upstream, String server, int weight, boolean healthy, int inFlight,
                             long requests, long failures, String lastCheck, Instant lastCheckAt) {
}
