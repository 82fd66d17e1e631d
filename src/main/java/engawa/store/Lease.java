package engawa.store;

import java.time.Instant;

/** A named lock held by {@code holder} until {@code expiresAt} unless renewed, so a dead holder loses it. */
public record Lease(String name, String holder, Instant expiresAt) {
}
