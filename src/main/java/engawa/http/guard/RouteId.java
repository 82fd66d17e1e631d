package engawa.http.guard;

/**
 * Which route a guard stands in front of: the site's name and the route's path prefix. Limit state is kept
 * under it (with the limit's settings) so that a reload that leaves a route's limits alone keeps its state,
 * and metrics are tagged with it.
 */
public record RouteId(String site, String path) {
}
