package engawa.store;

import engawa.config.ConfigDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store over JDBC: embedded SQLite (WAL, so a CLI and a running server share the file) or PostgreSQL
 * (several edge nodes share one config). One connection, used under this object's lock: the store is off
 * the hot path, and one connection keeps SQLite's locking simple.
 */
final class JdbcStore implements Store {
    private final String url;
    private final String description;
    private final boolean postgres;
    private Connection connection;

    private JdbcStore(String url, String description, boolean postgres) {
        this.url = url;
        this.description = description;
        this.postgres = postgres;
        connect();
        migrate();
    }

    static JdbcStore sqlite(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create data folder " + file.getParent(), e);
        }
        return new JdbcStore("jdbc:sqlite:" + file.toAbsolutePath(), file.toAbsolutePath().toString(), false);
    }

    static JdbcStore postgres(String url) {
        String jdbc = url.startsWith("jdbc:") ? url : "jdbc:" + url.replaceFirst("^postgres:", "postgresql:");
        return new JdbcStore(jdbc, jdbc.replaceAll("password=[^&]*", "password=***"), true);
    }

    private void connect() {
        try {
            connection = DriverManager.getConnection(url);
            if (!postgres) {
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA busy_timeout=10000");
                    s.execute("PRAGMA synchronous=NORMAL");
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open store " + description, e);
        }
    }

    private void migrate() {
        String id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS revisions (id " + id + ", created_at BIGINT NOT NULL, "
                        + "source TEXT NOT NULL, base_dir TEXT NOT NULL, document TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, "
                        + "updated_at BIGINT NOT NULL, PRIMARY KEY (namespace, key))");
                s.execute("CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)");
            }
            return null;
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs one unit of work, reconnecting once if the connection was lost (PostgreSQL restarts). */
    private synchronized <T> T run(Work<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException first) {
            try {
                if (connection.isValid(2)) {
                    throw new StoreException("store " + description, first);
                }
                connection.close();
                connect();
                return work.run(connection);
            } catch (SQLException again) {
                throw new StoreException("store " + description, again);
            }
        }
    }

    private synchronized <T> T transaction(Work<T> work) {
        return run(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    @Override
    public Revision append(ConfigDocument document, String source) {
        long now = System.currentTimeMillis();
        String json = document.canonicalJson();
        String base = document.baseDir().toString();
        long id = transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO revisions (created_at, source, base_dir, document) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, now);
                ps.setString(2, source);
                ps.setString(3, base);
                ps.setString(4, json);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        return new Revision(id, Instant.ofEpochMilli(now), source, document);
    }

    @Override
    public Optional<Revision> latest() {
        return query("SELECT id, created_at, source, base_dir, document FROM revisions ORDER BY id DESC LIMIT 1").stream().findFirst();
    }

    @Override
    public long latestId() {
        return run(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM revisions")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<Revision> revision(long id) {
        return query("SELECT id, created_at, source, base_dir, document FROM revisions WHERE id = " + id).stream().findFirst();
    }

    @Override
    public List<Revision> revisions(int limit) {
        return query("SELECT id, created_at, source, base_dir, document FROM revisions ORDER BY id DESC LIMIT " + limit);
    }

    private List<Revision> query(String sql) {
        return run(c -> {
            List<Revision> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    ConfigDocument doc = ConfigDocument.parse(rs.getString(5), true, Path.of(rs.getString(4)), "revision " + rs.getLong(1));
                    out.add(new Revision(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), doc));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<String> value(String namespace, String key) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kv WHERE namespace = ? AND key = ?")) {
                ps.setString(1, namespace);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void putValue(String namespace, String key, String value) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
                ps.setString(1, namespace);
                ps.setString(2, key);
                ps.setString(3, value);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteValue(String namespace, String key) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kv WHERE namespace = ? AND key = ?")) {
                ps.setString(1, namespace);
                ps.setString(2, key);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, String> values(String namespace) {
        return run(c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM kv WHERE namespace = ? ORDER BY key")) {
                ps.setString(1, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public boolean tryLease(String name, String holder, Duration ttl) {
        long now = System.currentTimeMillis();
        return transaction(c -> {
            // Take the lease when free, expired, or already ours; the WHERE makes the upsert a no-op otherwise.
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
                            + "WHERE leases.holder = excluded.holder OR leases.expires_at < ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.setLong(3, now + ttl.toMillis());
                ps.setLong(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void releaseLease(String name, String holder) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE name = ? AND holder = ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Lease> lease(String name) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT holder, expires_at FROM leases WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Lease(name, rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing is best effort; the process is going away.
        }
    }
}
